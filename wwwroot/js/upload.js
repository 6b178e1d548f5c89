// Uploads files to the portal over plain HTTP: POST {zone.dataset.uploadUrl} as multipart/form-data (the fields
// first, then the file), with XMLHttpRequest for its upload progress events. One file at a time; each gets a row
// with a progress bar and the server's answer. The page (a Blazor component) is told when a file was accepted.

const HEADER = 'RequestVerificationToken';

export function attach(zone, input, list, dotnet) {
    zone.camreviewUpload = { dotnet }; // re-attaching (another project in the same page) only swaps the callback
    if (zone.dataset.uploadAttached) return;
    zone.dataset.uploadAttached = 'true';

    const queue = [];
    let busy = false;

    for (const type of ['dragenter', 'dragover']) {
        zone.addEventListener(type, e => {
            e.preventDefault();
            e.dataTransfer.dropEffect = 'copy';
            zone.classList.add('drag-over');
        });
    }
    zone.addEventListener('dragleave', e => {
        if (!zone.contains(e.relatedTarget)) zone.classList.remove('drag-over');
    });
    zone.addEventListener('drop', e => {
        e.preventDefault();
        zone.classList.remove('drag-over');
        enqueue(e.dataTransfer.files);
    });
    input.addEventListener('change', () => {
        enqueue(input.files);
        input.value = '';
    });

    function enqueue(files) {
        for (const file of files) queue.push({ file, fields: currentFields(), row: addRow(file) });
        next();
    }

    // The choices made on the page when the files were picked: what they are, and for outputs the method and pair.
    function currentFields() {
        const form = zone.closest('[data-upload-form]') ?? document;
        const value = name => form.querySelector(`[name="${name}"]`)?.value ?? '';
        const fields = [['kind', value('kind')]];
        if (value('kind') === 'output') {
            fields.push(['methodName', value('methodName')]);
            if (value('pairId')) fields.push(['pairId', value('pairId')]);
        }
        return fields;
    }

    function next() {
        if (busy || queue.length === 0) return;
        busy = true;
        send(queue.shift()).finally(() => {
            busy = false;
            next();
        });
    }

    function send({ file, fields, row }) {
        return new Promise(resolve => {
            const maxBytes = Number(zone.dataset.maxBytes);
            if (maxBytes && file.size > maxBytes) {
                fail(row, `"${file.name}" is larger than the upload limit (${formatBytes(maxBytes)}).`);
                resolve();
                return;
            }
            const form = new FormData();
            for (const [name, value] of fields) form.append(name, value);
            form.append('file', file, file.name);

            const xhr = new XMLHttpRequest();
            xhr.open('POST', zone.dataset.uploadUrl);
            xhr.setRequestHeader(HEADER, zone.dataset.antiforgery ?? '');
            xhr.setRequestHeader('Accept', 'application/json');
            setStatus(row, 'Uploading…');
            xhr.upload.addEventListener('progress', e => {
                if (e.lengthComputable) setProgress(row, (e.loaded / e.total) * 100);
            });
            xhr.upload.addEventListener('load', () => {
                setProgress(row, 100);
                setStatus(row, 'Checking…'); // the server decodes the whole file before it keeps it
            });
            xhr.addEventListener('load', () => {
                const body = parse(xhr.responseText);
                if (xhr.status >= 200 && xhr.status < 300) {
                    setProgress(row, 100);
                    row.classList.add('upload-done');
                    setStatus(row, 'Uploaded');
                    zone.camreviewUpload.dotnet.invokeMethodAsync('UploadFinished', body?.id ?? 0).catch(() => {});
                } else {
                    fail(row, body?.error ?? `The server answered ${xhr.status}.`);
                }
                resolve();
            });
            xhr.addEventListener('error', () => {
                fail(row, 'The upload failed: the connection was closed (is the file larger than the limit?).');
                resolve();
            });
            xhr.addEventListener('abort', () => {
                fail(row, 'The upload was cancelled.');
                resolve();
            });
            xhr.send(form);
        });
    }

    function addRow(file) {
        const row = document.createElement('div');
        row.className = 'upload-row';
        row.dataset.testid = 'upload-row';
        row.innerHTML = `
            <div class="upload-line">
                <span class="upload-name"></span>
                <span class="upload-status" data-testid="upload-status">Waiting</span>
            </div>
            <div class="upload-progress" role="progressbar" aria-label="Upload progress" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0" data-testid="upload-progress">
                <div class="upload-progress-bar" style="width: 0%"></div>
            </div>
            <div class="upload-error" role="alert" data-testid="upload-error" hidden></div>`;
        row.querySelector('.upload-name').textContent = `${file.name} (${formatBytes(file.size)})`;
        list.prepend(row);
        return row;
    }

    function setProgress(row, percent) {
        const value = Math.max(0, Math.min(100, Math.round(percent)));
        row.querySelector('.upload-progress').setAttribute('aria-valuenow', String(value));
        row.querySelector('.upload-progress-bar').style.width = `${value}%`;
    }

    function setStatus(row, text) {
        row.querySelector('.upload-status').textContent = text;
    }

    function fail(row, message) {
        row.classList.add('upload-failed');
        setStatus(row, 'Not accepted');
        const error = row.querySelector('.upload-error');
        error.textContent = message;
        error.hidden = false;
    }
}

function parse(text) {
    try {
        return JSON.parse(text);
    } catch {
        return null;
    }
}

function formatBytes(bytes) {
    const units = ['bytes', 'KB', 'MB', 'GB'];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
    }
    return unit === 0 ? `${value} bytes` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}
