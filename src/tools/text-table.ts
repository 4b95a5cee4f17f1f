/**
 * A table of plain text for the tools' output: a caption, column headers
 * with scope, and rows whose first cell is the row header. Text only, so
 * nothing the reader pasted can become markup.
 */
export function textTable(caption: string, headers: string[], rows: string[][], className: string): HTMLTableElement {
  const table = document.createElement('table');
  table.className = className;
  table.createCaption().textContent = caption;
  const head = table.createTHead().insertRow();
  for (const h of headers) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = h;
    head.append(th);
  }
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    row.forEach((cell, i) => {
      const el = document.createElement(i === 0 ? 'th' : 'td');
      if (i === 0) (el as HTMLTableCellElement).scope = 'row';
      // The label a narrow screen shows above the cell, where the table turns into cards.
      else el.dataset['label'] = headers[i] ?? '';
      el.textContent = cell;
      if (cell === '☐') el.className = 'tick';
      tr.append(el);
    });
  }
  return table;
}
