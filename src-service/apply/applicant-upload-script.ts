// The upload pages' one script (served from this origin, no inline code under the pages' CSP):
// it sends the form with XMLHttpRequest so the page can show how far the upload has got, in a
// <progress> bar and in words a screen reader announces (at most every quarter, so it is not
// read out constantly). Without it the form posts as a plain HTML form and works the same.
// A page the service answers with (the next step, or this page again with its problems) is
// shown as if the browser had posted the form itself.

export const UPLOAD_PROGRESS_SCRIPT = `'use strict';
(() => {
  function show(text) {
    const doc = new DOMParser().parseFromString(text, 'text/html');
    const main = doc.getElementById('maincontent');
    const here = document.getElementById('maincontent');
    if (!main || !here) { location.reload(); return; }
    document.title = doc.title;
    here.replaceWith(document.importNode(main, true));
    bind();
    const summary = document.getElementById('error-summary');
    if (summary && !summary.hidden) summary.focus();
  }
  function bind() {
    const form = document.querySelector('form[data-upload]');
    if (!form || typeof XMLHttpRequest === 'undefined' || typeof FormData === 'undefined') return;
    const status = document.getElementById('upload-status');
    const bar = document.getElementById('upload-progress');
    const live = document.getElementById('upload-live');
    const button = form.querySelector('button[type="submit"]');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const xhr = new XMLHttpRequest();
      let quarter = -1;
      xhr.open('POST', form.action);
      xhr.upload.onprogress = (e) => {
        if (!e.lengthComputable) return;
        const percent = Math.floor((e.loaded * 100) / e.total);
        bar.value = percent;
        bar.textContent = percent + '%';
        if (Math.floor(percent / 25) !== quarter) {
          quarter = Math.floor(percent / 25);
          live.textContent = 'Uploading: ' + percent + '% sent.';
        }
      };
      xhr.onload = () => {
        const landed = xhr.responseURL ? new URL(xhr.responseURL) : null;
        if (xhr.status >= 200 && xhr.status < 300 && landed && landed.pathname !== new URL(form.action).pathname) {
          live.textContent = 'Upload finished.';
          location.assign(landed.href);
          return;
        }
        show(xhr.responseText);
      };
      xhr.onerror = () => {
        status.hidden = true;
        button.disabled = false;
        live.textContent = 'The upload did not finish. Check your connection and select Upload again.';
      };
      status.hidden = false;
      button.disabled = true;
      bar.value = 0;
      live.textContent = 'Uploading: 0% sent.';
      xhr.send(new FormData(form));
    });
  }
  bind();
})();
`;
