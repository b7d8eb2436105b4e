// Hands text to the browser (or Electron) as a downloaded file. A byte order mark goes first so
// Excel opens the CSV as UTF-8 and names such as Seán or Zoë survive.

export function saveTextFile(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([`\uFEFF${text}`], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the object URL; it need not outlive this turn of the event loop.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
