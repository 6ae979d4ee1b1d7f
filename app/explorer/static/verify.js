/* Document verification on a tender page: the file picked or dropped is hashed here, in the browser
 * (keccak-256, the hash the contracts record for documents), and compared with the hashes on record.
 * The file never leaves the machine. */
(function () {
  'use strict';
  var input = document.getElementById('verify-file');
  var zone = document.getElementById('dropzone');
  var out = document.getElementById('verify-result');
  var recorded = JSON.parse(document.getElementById('recorded-documents').textContent);
  if (!input || !out) return;

  function show(html, cls) {
    out.hidden = false;
    out.className = 'verify-result ' + (cls || '');
    out.innerHTML = html;
  }

  function text(s) {
    var d = document.createElement('span');
    d.textContent = s;
    return d.innerHTML;
  }

  function check(file) {
    show(text(out.dataset.computing), 'busy');
    file.arrayBuffer().then(function (buffer) {
      var bytes = new Uint8Array(buffer);
      var hash = window.keccak256(bytes);
      var found = recorded.filter(function (d) { return d.hash === hash; });
      var rows = document.querySelectorAll('#documents tbody tr');
      rows.forEach(function (row) { row.classList.toggle('matched', row.dataset.hash === hash); });
      var head = found.length
        ? '<strong>' + text(out.dataset.match) + ' ' + text(found.map(function (d) { return d.label; }).join(', ')) + '</strong>'
        : '<strong>' + text(out.dataset.nomatch) + '</strong>';
      var detail = '<div>' + text(file.name) + ' (' + bytes.length + ' B)</div><div>' + text(out.dataset.filehash) +
        ': <code class="hash" id="verify-hash">' + hash + '</code></div>';
      show(head + detail, found.length ? 'ok' : 'bad');
      out.dataset.outcome = found.length ? 'match' : 'nomatch';
      if (window.crypto && window.crypto.subtle) {  // only in a secure context (https, localhost)
        window.crypto.subtle.digest('SHA-256', buffer).then(function (digest) {
          var hex = Array.prototype.map.call(new Uint8Array(digest), function (b) {
            return (b < 16 ? '0' : '') + b.toString(16);
          }).join('');
          out.insertAdjacentHTML('beforeend', '<div class="muted">' + text(out.dataset.sha256) + ': <code class="hash">' + hex + '</code></div>');
        });
      }
    });
  }

  input.addEventListener('change', function () { if (input.files.length) check(input.files[0]); });
  ['dragenter', 'dragover'].forEach(function (name) {
    zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.add('over'); });
  });
  ['dragleave', 'drop'].forEach(function (name) {
    zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.remove('over'); });
  });
  zone.addEventListener('drop', function (e) {
    if (e.dataTransfer && e.dataTransfer.files.length) check(e.dataTransfer.files[0]);
  });
})();
