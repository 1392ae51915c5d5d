import Table from 'cli-table3';

/** Borderless, left-aligned columns (cli-table3): readable in a terminal and in a CI log. */
export function borderlessTable(head: string[]): Table.Table {
  return new Table({
    head,
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '',
      'bottom-right': '', left: '  ', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
    },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
}

/** A table's text without the padding cli-table3 leaves at line ends. */
export function tableText(table: Table.Table): string {
  return table.toString().split('\n').map((line) => line.trimEnd()).join('\n');
}
