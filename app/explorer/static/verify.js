/* Document checks on a tender page, in the reader's browser (the files never leave the machine):
 * - a file picked or dropped is hashed (keccak-256, the hash the contracts record) and compared with
 *   the hashes on record;
 * - each recorded document the gateway stores can be downloaded, and checked: the download is
 *   hashed here against the hash on chain, so the reader need not trust the gateway.
 * Hashing runs in a worker (hash-worker.js) as the bytes stream in, with a progress bar. */
(function () {
  'use strict';
  var input = document.getElementById('verify-file');
  var zone = document.getElementById('dropzone');
  var out = document.getElementById('verify-result');
  var recorded = JSON.parse(document.getElementById('recorded-documents').textContent);
  if (!input || !out) return;
  var worker = null;
  var waiting = {};
  var next = 0;

  function text(s) {
    var d = document.createElement('span');
    d.textContent = s;
    return d.innerHTML;
  }

  function hashOf(what, onProgress) {
    if (!worker) {
      worker = new Worker('/explorer/static/hash-worker.js', { type: 'module' });
      worker.onmessage = function (event) {
        var m = event.data;
        var job = waiting[m.id];
        if (!job) return;
        if (m.hash || m.error) {
          delete waiting[m.id];
          job.resolve(m);
        } else {
          job.progress(m.done, m.total);
        }
      };
    }
    return new Promise(function (resolve) {
      var id = ++next;
      waiting[id] = { resolve: resolve, progress: onProgress };
      worker.postMessage(Object.assign({ id: id }, what));
    });
  }

  function progressBar(done, total) {
    var percent = total ? Math.floor(done * 100 / total) : 0;
    return '<progress id="verify-progress" max="100" value="' + percent + '">' + percent + '%</progress> ' +
      '<span class="muted">' + percent + '%</span>';
  }

  function show(html, cls) {
    out.hidden = false;
    out.className = 'verify-result ' + (cls || '');
    out.innerHTML = html;
  }

  function check(file) {
    delete out.dataset.outcome;
    show(text(out.dataset.computing) + ' ' + progressBar(0, file.size), 'busy');
    hashOf({ file: file }, function (done, total) {
      show(text(out.dataset.computing) + ' ' + progressBar(done, total), 'busy');
    }).then(function (m) {
      if (m.error) {
        show('<strong>' + text(m.error) + '</strong>', 'bad');
        return;
      }
      var found = recorded.filter(function (d) { return d.hash === m.hash; });
      document.querySelectorAll('#documents [data-hash]').forEach(function (row) {
        row.classList.toggle('matched', row.dataset.hash === m.hash);
      });
      var head = found.length
        ? '<strong>' + text(out.dataset.match) + ' ' + text(found.map(function (d) { return d.label; }).join(', ')) + '</strong>'
        : '<strong>' + text(out.dataset.nomatch) + '</strong>';
      show(head + '<div>' + text(file.name) + ' (' + m.size + ' B)</div><div>' + text(out.dataset.filehash) +
        ': <code class="hash" id="verify-hash">' + m.hash + '</code></div>', found.length ? 'ok' : 'bad');
      out.dataset.outcome = found.length ? 'match' : 'nomatch';
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

  // Stored documents: offered for download where the gateway has the file, each with its check.
  document.querySelectorAll('#documents [data-hash]').forEach(function (row) {
    var cell = row.querySelector('.stored');
    if (!cell) return;
    var url = '/documents/' + row.dataset.hash;
    // One byte is enough to learn whether the gateway has the file (HEAD would do, but browsers
    // report a HEAD's empty body as an aborted load).
    fetch(url, { headers: { Range: 'bytes=0-0' }, credentials: 'omit' }).then(function (response) {
      if (response.status === 404) {
        cell.dataset.state = 'absent';
        cell.textContent = cell.dataset.absent;
        return;
      }
      cell.dataset.state = 'stored';
      var link = document.createElement('a');
      link.href = url;
      link.className = 'download';
      link.textContent = cell.dataset.download;
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'check-stored';
      button.textContent = cell.dataset.check;
      var result = document.createElement('span');
      result.className = 'stored-result';
      result.setAttribute('aria-live', 'polite');
      button.addEventListener('click', function () {
        button.disabled = true;
        result.innerHTML = progressBar(0, 0);
        hashOf({ url: url }, function (done, total) { result.innerHTML = progressBar(done, total); }).then(function (m) {
          button.disabled = false;
          var same = !m.error && m.hash === row.dataset.hash;
          row.dataset.stored = same ? 'match' : 'nomatch';
          result.className = 'stored-result ' + (same ? 'ok' : 'bad');
          result.textContent = same ? cell.dataset.match : cell.dataset.nomatch + (m.error ? ' (' + m.error + ')' : '');
        });
      });
      cell.textContent = '';
      cell.append(link, ' ', button, ' ', result);
    });
  });
})();
