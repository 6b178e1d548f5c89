// Uploads files to the portal over plain HTTP: POST {zone.dataset.uploadUrl} as multipart/form-data (the fields
// first, then the file), with XMLHttpRequest for its upload progress events. One file at a time. The page (a Blazor
// component) draws each file's row with its progress and the server's answer: it is told every change (UploadChanged).

const HEADER = 'RequestVerificationToken';

export function attach(zone, input, dotnet) {
    if (!zone || !input) return; // the page was left before it was wired
    zone.camreviewUpload = { dotnet }; // re-attaching (another project in the same page) only swaps the callback
    if (zone.dataset.uploadAttached) return;
    zone.dataset.uploadAttached = 'true';

    const queue = [];
    let busy = false;
    let nextId = 1;

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
            setStatus(row, 'Uploading…', 'uploading');
            xhr.upload.addEventListener('progress', e => {
                if (e.lengthComputable) setProgress(row, (e.loaded / e.total) * 100);
            });
            xhr.upload.addEventListener('load', () => {
                setProgress(row, 100);
                setStatus(row, 'Checking…', 'checking'); // the server decodes the whole file before it keeps it
            });
            xhr.addEventListener('load', () => {
                const body = parse(xhr.responseText);
                if (xhr.status >= 200 && xhr.status < 300) {
                    row.percent = 100;
                    setStatus(row, 'Uploaded', 'done');
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

    // A file's row lives in the page; this is what the page is told about it.
    function addRow(file) {
        const row = { id: nextId++, name: file.name, size: file.size, percent: 0, status: 'Waiting', state: 'waiting', error: null };
        report(row);
        return row;
    }

    function report(row) {
        zone.camreviewUpload.dotnet.invokeMethodAsync('UploadChanged', row).catch(() => {});
    }

    function setProgress(row, percent) {
        const value = Math.max(0, Math.min(100, Math.round(percent)));
        if (value === row.percent) return; // progress events come far more often than the bar can show
        row.percent = value;
        report(row);
    }

    function setStatus(row, text, state) {
        row.status = text;
        row.state = state;
        report(row);
    }

    function fail(row, message) {
        row.error = message;
        setStatus(row, 'Not accepted', 'failed');
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
