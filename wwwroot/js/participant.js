// The participant page of a study (/p/{token}): consent, then one trial after another, then a completion code.
// The participant's secret key stays in this browser (localStorage), so a reload resumes where they left off.
// Every address and answer here is opaque: candidates are "A", "B", ... and their videos have random names.
const root = document.getElementById('study');
const token = root.dataset.token;
// An invitation code (?code=) and a recruiting panel's participant id (the parameter the study names, e.g. PROLIFIC_PID)
// come with the link; each code or panel id keeps its own key, so people sharing a browser do not resume each other.
const params = new URLSearchParams(location.search);
const linkCode = params.get('code');
const panelId = root.dataset.panelParameter ? params.get(root.dataset.panelParameter) : null;
const storageKey = [`camreview.study.${token}`, linkCode && `code.${linkCode.toUpperCase()}`, panelId && `panel.${panelId}`].filter(Boolean).join('.');
const $ = id => document.getElementById(id);
const letters = 'ABCDEFGH';

let key = localStorage.getItem(storageKey);
let session = null;
let current = null; // { trial, shownAt, watched, videos }

async function call(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  if (key) headers['X-Participant-Key'] = key;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(`p/${token}/api/${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch {
    return { ok: false, status: 0, data: { error: 'The connection failed: check your network and press Next again.' } };
  }
  const data = await response.json().catch(() => ({ error: `The server answered ${response.status}.` }));
  return { ok: response.ok, status: response.status, data };
}

function show(section) {
  for (const id of ['intro', 'trial', 'done', 'message']) $(id).hidden = id !== section;
}

function message(text) {
  $('message-text').textContent = text;
  show('message');
}

function unanswered(trial) {
  return session.questions.filter(q => !(q.key in trial.answers));
}

function render() {
  if (session.completionCode) {
    closeEnlarged();
    $('completion-code').textContent = session.completionCode;
    const back = $('return-link');
    back.hidden = !session.returnUrl;
    if (session.returnUrl) back.href = session.returnUrl;
    show('done');
    return;
  }
  if (session.state !== 'open') return message(session.message);
  const next = session.trials.find(t => unanswered(t).length > 0);
  if (!next) return refresh();
  showTrial(next);
}

function progress() {
  const total = session.trials.length;
  const done = session.trials.filter(t => unanswered(t).length === 0).length;
  const bar = $('progress');
  bar.setAttribute('aria-valuenow', String(Math.round(100 * done / total)));
  $('progress-bar').style.width = `${100 * done / total}%`;
  $('progress-text').textContent = `Trial ${Math.min(done + 1, total)} of ${total}`;
}

function video(src, poster) {
  const v = document.createElement('video');
  v.muted = true;
  v.playsInline = true;
  v.preload = 'auto';
  v.src = src;
  if (poster) v.poster = poster;
  return v;
}

// The next trial's videos load while this one is watched.
const preloaded = new Map();
function preload(trial) {
  if (!trial) return;
  for (const src of [trial.reference, ...trial.candidates]) {
    if (!preloaded.has(src)) preloaded.set(src, video(src));
  }
}

function showTrial(trial) {
  closeEnlarged();
  show('trial');
  progress();
  $('error').hidden = true;
  const reference = $('reference');
  reference.src = trial.reference;
  reference.poster = trial.referencePoster;
  // The pair's target image, when a question refers to it (the session names it only then).
  $('target-tile').hidden = !trial.target;
  $('sources').classList.toggle('with-target', !!trial.target);
  if (trial.target) $('target').src = trial.target;
  else $('target').removeAttribute('src');
  const candidates = $('candidates');
  candidates.replaceChildren();
  const videos = [reference];
  trial.candidates.forEach((src, i) => {
    const figure = document.createElement('figure');
    figure.className = 'tile';
    figure.dataset.testid = 'candidate-tile';
    const caption = document.createElement('figcaption');
    caption.textContent = letters[i];
    const v = video(src);
    v.dataset.testid = 'candidate';
    figure.append(caption, v);
    candidates.append(figure);
    videos.push(v);
  });
  document.querySelectorAll('#trial figure.tile').forEach(enlargeable);
  current = { trial, shownAt: performance.now(), watched: !session.watchBeforeVoting, videos };
  $('watch-note').hidden = current.watched;
  renderQuestions(trial);
  playTogether(videos);
  const index = session.trials.indexOf(trial);
  preload(session.trials[index + 1]);
}

// The reference leads: candidates follow its clock, and all restart together when it ends.
function playTogether(videos) {
  const [lead, ...others] = videos;
  const start = () => videos.forEach(v => { v.currentTime = 0; v.play().catch(() => {}); });
  lead.onended = () => {
    if (current && !current.watched) {
      current.watched = true;
      $('watch-note').hidden = true;
      updateNext();
    }
    start();
  };
  lead.ontimeupdate = () => {
    for (const v of others) {
      if (!v.ended && Math.abs(v.currentTime - lead.currentTime) > 0.15 && lead.currentTime < v.duration) v.currentTime = lead.currentTime;
    }
  };
  $('replay').onclick = start;
  let ready = 0;
  const whenReady = () => { if (++ready === videos.length) start(); };
  videos.forEach(v => {
    if (v.readyState >= 3) whenReady();
    else v.addEventListener('canplay', whenReady, { once: true });
  });
}

function renderQuestions(trial) {
  const form = $('answers');
  form.replaceChildren();
  for (const q of session.questions) {
    const fieldset = document.createElement('fieldset');
    fieldset.dataset.question = q.key;
    const legend = document.createElement('legend');
    legend.textContent = q.text;
    fieldset.append(legend);
    if (q.showTarget && trial.target) fieldset.append(targetThumb(trial.target, q.key));
    const choices = document.createElement('div');
    choices.className = 'choices';
    const options = trial.candidates.map((_, i) => [String(i), letters[i]]);
    if (session.allowTie) options.push(['tie', 'No preference']);
    if (session.allowBothBad) options.push(['bothbad', trial.candidates.length > 2 ? 'None is acceptable' : 'Both are bad']);
    for (const [value, label] of options) {
      const id = `q-${q.key}-${value}`;
      // A radio drawn as a button (participant.css: .choice): large enough to tap on a phone.
      const input = document.createElement('input');
      input.type = 'radio';
      input.className = 'choice-input';
      input.autocomplete = 'off';
      input.name = `q-${q.key}`;
      input.id = id;
      input.value = value;
      const answered = trial.answers[q.key];
      if (answered !== undefined) {
        // Stored answers stay locked; the others wait for the clips to have been watched (updateNext).
        input.checked = answered === value;
        input.disabled = true;
        input.dataset.answered = '';
      }
      input.onchange = updateNext;
      const text = document.createElement('label');
      text.className = 'choice';
      text.htmlFor = id;
      text.textContent = label;
      text.dataset.testid = `answer-${q.key}-${value}`;
      choices.append(input, text);
    }
    fieldset.append(choices);
    form.append(fieldset);
  }
  updateNext();
}

// A small copy of the target image beside a question that refers to it (the image itself may be scrolled away on a
// phone); a tap shows it enlarged.
function targetThumb(src, questionKey) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'target-thumb';
  button.dataset.testid = `question-target-${questionKey}`;
  const img = document.createElement('img');
  img.src = src;
  img.alt = 'The target image';
  const label = document.createElement('span');
  label.textContent = 'Target image (tap to enlarge)';
  button.append(img, label);
  button.onclick = () => enlarge($('target-tile'));
  return button;
}

function chosen(questionKey) {
  return document.querySelector(`input[name="q-${questionKey}"]:checked`)?.value;
}

function updateNext() {
  if (!current) return;
  const complete = session.questions.every(q => chosen(q.key) !== undefined);
  document.querySelectorAll('#answers input:not([data-answered])').forEach(i => { i.disabled = !current.watched; });
  $('next').disabled = !(complete && current.watched);
}

function fail(text) {
  $('error').textContent = text;
  $('error').hidden = false;
  $('next').disabled = false;
}

// Sends the unanswered questions of the trial one by one; a vote counts once the server has stored it.
async function submit() {
  const trial = current.trial;
  $('next').disabled = true;
  const responseMs = Math.round(performance.now() - current.shownAt);
  for (const q of unanswered(trial)) {
    const result = await call('POST', 'votes', { trial: trial.trial, question: q.key, choice: chosen(q.key), responseMs });
    if (!result.ok) {
      if (result.status === 409 && result.data.error && !result.data.error.includes('already answered')) return refresh();
      return fail(result.data.error ?? `The server answered ${result.status}.`);
    }
    trial.answers[q.key] = result.data.choice;
    // The last answer: the session brings the completion code with the study's completion link.
    if (result.data.completionCode) return refresh();
  }
  render();
}

async function refresh() {
  const result = await call('GET', 'session');
  if (!result.ok) {
    if (result.status === 404 || result.status === 401) {
      localStorage.removeItem(storageKey);
      key = null;
      return show('intro');
    }
    return message(result.data.error);
  }
  session = result.data;
  render();
}

async function start() {
  $('start').disabled = true;
  $('join-error').hidden = true;
  const code = $('invitation-code').value.trim() || null;
  const result = await call('POST', 'participants', { code, panelId });
  if (!result.ok) {
    $('start').disabled = false;
    // A missing or wrong code can be typed (again) here; anything else ends the visit.
    if (result.status === 400 || result.status === 403) {
      $('code-field').hidden = false;
      $('join-error').textContent = result.data.error;
      $('join-error').hidden = false;
      return;
    }
    return message(result.data.error);
  }
  key = result.data.key;
  localStorage.setItem(storageKey, key);
  session = result.data.session;
  render();
}

// --- Enlarging: a tap shows one tile (a video or the target image) over the whole screen. The tile itself is
// restyled, never moved or copied, so its video keeps playing in step with the others and the reference's end still
// unlocks the answers; Close (or the browser's back button) returns to the trial as it was.
let enlarged = null;

function enlargeable(figure) {
  figure.onclick = () => { if (!enlarged) enlarge(figure); };
  // Keyboards too: the tile takes the focus, and Enter or Space enlarges it.
  figure.tabIndex = 0;
  figure.onkeydown = e => {
    if ((e.key === 'Enter' || e.key === ' ') && !enlarged) { e.preventDefault(); enlarge(figure); }
  };
}

function enlarge(figure) {
  if (enlarged) return;
  enlarged = figure;
  figure.classList.add('enlarged');
  document.body.classList.add('has-enlarged');
  $('enlarged-caption').textContent = figure.querySelector('figcaption').textContent;
  $('enlarged-bar').hidden = false;
  history.pushState({ enlarged: true }, '');
}

function closeEnlarged() {
  if (!enlarged) return;
  enlarged.classList.remove('enlarged');
  enlarged = null;
  document.body.classList.remove('has-enlarged');
  $('enlarged-bar').hidden = true;
}

window.addEventListener('popstate', closeEnlarged);
$('close-enlarged').onclick = () => { if (enlarged) history.back(); };
document.addEventListener('keydown', e => { if (e.key === 'Escape' && enlarged) history.back(); });

// --- The completion code: copied with the clipboard API where the browser allows it, else selected for the
// participant's own copy command.
async function copyCode() {
  const code = $('completion-code');
  const status = $('copy-status');
  try {
    await navigator.clipboard.writeText(code.textContent);
    status.textContent = 'Copied.';
    return;
  } catch {
    // No clipboard API (e.g. a page not served over HTTPS) or no permission: select the text instead.
  }
  const range = document.createRange();
  range.selectNodeContents(code);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  let copied = false;
  try { copied = document.execCommand('copy'); } catch { copied = false; }
  status.textContent = copied ? 'Copied.' : 'The code is selected: copy it with your device\'s copy command.';
}

$('copy-code').onclick = copyCode;

$('invitation-code').value = linkCode ?? '';
$('code-field').hidden = root.dataset.invitation !== 'required' || linkCode !== null;
$('consent-check').onchange = e => { $('start').disabled = !e.target.checked; };
$('start').onclick = start;
$('next').onclick = submit;

if (key) refresh(); else show('intro');
