/** Text made safe inside HTML, SVG and XML text or a quoted attribute: & < > " ' as numeric character references. */
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
