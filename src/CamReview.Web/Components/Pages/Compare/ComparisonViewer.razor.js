// Synchronised playback of a comparison's videos: the reference (data-source="0") is the clock; every other video
// follows it within a fraction of a frame (nudged by its playback rate, re-seeked when it drifts further). An in/out
// range limits playback (and its loop) to frames of the clock; zoom and pan apply to every picture alike, so the same
// detail is compared everywhere.
const viewers = new WeakMap();

// The viewer's section, given it or an element around it.
function viewerOf(element) {
  return element?.matches?.('.comparison-viewer') ? element : element?.querySelector?.('.comparison-viewer');
}

export function attach(element) {
  const root = viewerOf(element);
  if (!root) return;
  let viewer = viewers.get(root);
  if (!viewer) {
    viewer = new Viewer(root);
    viewers.set(root, viewer);
  }
  viewer.refresh();
}

export function currentTime(element) {
  return viewers.get(viewerOf(element))?.time() ?? 0;
}

export function detach(element) {
  const root = viewerOf(element);
  viewers.get(root)?.dispose();
  viewers.delete(root);
}

// For pages rendered without a live connection (the share page): wire every viewer and draw every plot.
export async function start() {
  document.querySelectorAll('.comparison-viewer').forEach(attach);
  const plots = await import(new URL('Components/Shared/Plot.razor.js', document.baseURI).href);
  await plots.drawAll(document);
}

class Viewer {
  constructor(root) {
    this.root = root;
    this.fps = parseFloat(root.dataset.fps) || 24;
    this.playing = false;
    this.rate = 1;
    this.loop = true;
    this.layout = 'grid';
    // The play range in seconds of the clock, from the start of the in frame to the end of the out frame; null: open.
    this.rangeIn = null;
    this.rangeOut = null;
    this.zoom = 1;
    // Pan as a translation in percent of a picture's own size, before scaling.
    this.panX = 0;
    this.panY = 0;
    this.wired = new WeakSet();
    this.wipeA = root.querySelector('.wipe-a');
    this.wipeB = root.querySelector('.wipe-b');
    this.canvas = root.querySelector('.difference-canvas');
    this.tick = this.tick.bind(this);
    this.onKey = this.onKey.bind(this);
    this.onSeekClick = this.onSeekClick.bind(this);
    this.onFullscreen = this.onFullscreen.bind(this);

    root.addEventListener('click', e => {
      const button = e.target.closest('[data-action], [data-layout-button]');
      if (!button || !root.contains(button)) return;
      const action = button.dataset.action;
      // Keys drive the viewer, not the button last clicked (Space would press it again).
      button.blur();
      if (button.dataset.layoutButton) this.setLayout(button.dataset.layoutButton);
      else if (action === 'play') this.toggle();
      else if (action === 'step-back') this.step(-1);
      else if (action === 'step-forward') this.step(1);
      else if (action === 'mark-in') this.markIn();
      else if (action === 'mark-out') this.markOut();
      else if (action === 'clear-range') this.setRange(null, null);
      else if (action === 'zoom-in') this.setZoom(this.zoom * 1.5);
      else if (action === 'zoom-out') this.setZoom(this.zoom / 1.5);
      else if (action === 'zoom-reset') this.setZoom(1);
      else if (action === 'fullscreen') this.toggleFullscreen();
    });
    this.wirePan();
    root.addEventListener('input', e => {
      const action = e.target.dataset.action;
      if (action === 'seek') this.seek(e.target.value / 1000 * this.duration());
      else if (action === 'speed') this.setRate(parseFloat(e.target.value));
      else if (action === 'loop') this.loop = e.target.checked;
      else if (action === 'wipe') this.setWipe(e.target.value);
      else if (action === 'source-a' || action === 'source-b' || action === 'gain') this.applySources();
    });
    document.addEventListener('keydown', this.onKey);
    document.addEventListener('click', this.onSeekClick);
    document.addEventListener('fullscreenchange', this.onFullscreen);
    this.showRange();
  }

  get master() { return this.root.querySelector('video[data-source="0"]'); }

  // Every video that must follow the clock right now: the grid's, plus A and B in the wipe and difference views.
  followers() {
    const grid = [...this.root.querySelectorAll('video[data-source]')].filter(v => v !== this.master);
    return this.layout === 'grid' ? grid : [...grid, this.wipeA, this.wipeB];
  }

  refresh() {
    for (const video of this.root.querySelectorAll('video')) {
      if (this.wired.has(video)) continue;
      this.wired.add(video);
      video.muted = true;
      video.addEventListener('loadedmetadata', () => { this.showTime(); this.placeMarkers(); this.showRange(); });
      // A proxy still being made: its notice goes once the video has a frame to show.
      video.addEventListener('loadeddata', () => video.closest('.viewer-tile')?.querySelector('.viewer-preparing')?.remove());
      if (video === this.master) {
        video.addEventListener('ended', () => this.onEnded());
        video.addEventListener('seeked', () => { this.showTime(); this.drawDifference(); });
      }
    }
    this.applySources();
    this.showTime();
    this.placeMarkers();
    this.showRange();
    this.applyZoom();
  }

  // The comment markers along the seek bar, where their times are on the clock's duration (known once it loaded).
  placeMarkers() {
    const track = this.root.querySelector('.viewer-markers');
    const d = this.duration();
    if (!track || !d) return;
    for (const marker of track.querySelectorAll('[data-marker]')) {
      marker.style.left = `${Math.min(100, parseFloat(marker.dataset.seek) / d * 100)}%`;
    }
    track.dataset.placed = 'true';
  }

  duration() {
    const d = this.master?.duration;
    return Number.isFinite(d) ? d : 0;
  }

  time() { return this.master?.currentTime ?? 0; }

  frame() { return Math.floor(this.time() * this.fps + 1e-6); }

  toggle() { this.playing ? this.pause() : this.play(); }

  // Where playback starts and ends: the range, else the whole clip.
  start() { return this.rangeIn ?? 0; }

  end() { return this.rangeOut ?? this.duration(); }

  async play() {
    if (!this.master) return;
    const t = this.time();
    if (t >= this.end() - 0.5 / this.fps || t < this.start()) this.seek(this.start());
    this.playing = true;
    this.root.dataset.playing = 'true';
    this.setPlayIcon();
    const all = [this.master, ...this.followers()];
    all.forEach(v => { v.playbackRate = this.rate; });
    await Promise.all(all.map(v => v.play().catch(() => {})));
    requestAnimationFrame(this.tick);
  }

  pause() {
    this.playing = false;
    this.root.dataset.playing = 'false';
    this.setPlayIcon();
    this.master?.pause();
    for (const v of this.followers()) v.pause();
    this.align(true);
  }

  // Puts every follower on the clock's time: exactly when paused (or when far off), by its rate while playing.
  align(exact) {
    const t = this.time();
    const frame = 1 / this.fps;
    for (const v of this.followers()) {
      if (!v.src && !v.currentSrc) continue;
      const end = Number.isFinite(v.duration) ? v.duration : Infinity;
      const want = Math.min(t, Math.max(0, end - frame / 2));
      const drift = v.currentTime - want;
      if (exact || Math.abs(drift) > 0.6 * frame || t >= end) {
        if (Math.abs(drift) > 1e-3) v.currentTime = want;
        v.playbackRate = this.rate;
        if (t >= end) v.pause();
        else if (this.playing && v.paused) v.play().catch(() => {});
      } else {
        // A gentle pull towards the clock: no visible jump.
        v.playbackRate = this.rate * (1 - Math.max(-0.1, Math.min(0.1, drift * this.fps * 0.2)));
      }
    }
  }

  tick() {
    if (!this.playing) return;
    if (this.rangeOut !== null && this.time() >= this.rangeOut) {
      if (this.loop) this.seek(this.start());
      else { this.pause(); this.seek(this.rangeOut - 0.5 / this.fps); }
    }
    this.align(false);
    this.showTime();
    this.drawDifference();
    requestAnimationFrame(this.tick);
  }

  onEnded() {
    if (this.loop && this.playing) {
      this.seek(this.start());
      this.play();
    } else {
      this.pause();
    }
  }

  seek(seconds) {
    const d = this.duration();
    const t = Math.max(0, d ? Math.min(seconds, d) : seconds);
    if (this.master) this.master.currentTime = t;
    // The followers go to the same time at once, not one frame later.
    for (const v of this.followers()) {
      const end = Number.isFinite(v.duration) ? v.duration : Infinity;
      v.currentTime = Math.min(t, Math.max(0, end - 0.5 / this.fps));
    }
    this.showTime(t);
  }

  step(frames) {
    this.pause();
    const target = Math.max(0, this.frame() + frames);
    // The middle of the frame: never on a boundary that rounds either way.
    this.seek((target + 0.5) / this.fps);
  }

  // The range starts at the frame shown; an out point before it goes.
  markIn() {
    const at = this.frame() / this.fps;
    this.setRange(at, this.rangeOut !== null && this.rangeOut > at ? this.rangeOut : null);
  }

  // The range ends after the frame shown (it is played); an in point after it goes.
  markOut() {
    const at = Math.min(this.duration() || Infinity, (this.frame() + 1) / this.fps);
    this.setRange(this.rangeIn !== null && this.rangeIn < at ? this.rangeIn : null, at);
  }

  setRange(rangeIn, rangeOut) {
    this.rangeIn = rangeIn;
    this.rangeOut = rangeOut;
    if (rangeIn === null) delete this.root.dataset.rangeIn; else this.root.dataset.rangeIn = String(rangeIn);
    if (rangeOut === null) delete this.root.dataset.rangeOut; else this.root.dataset.rangeOut = String(rangeOut);
    this.showRange();
  }

  // The range as words and as a band over the seek bar.
  showRange() {
    const label = this.root.querySelector('.viewer-range');
    const band = this.root.querySelector('.viewer-range-band');
    const open = this.rangeIn === null && this.rangeOut === null;
    const inFrame = Math.round(this.start() * this.fps);
    const outFrame = this.rangeOut === null ? null : Math.round(this.rangeOut * this.fps) - 1;
    if (label) {
      label.textContent = open ? 'whole clip'
        : `frames ${inFrame}–${outFrame ?? 'end'} (${clock(this.start())}–${this.rangeOut === null ? 'end' : clock(this.rangeOut)})`;
    }
    const clear = this.root.querySelector('[data-action="clear-range"]');
    if (clear) clear.disabled = open;
    const d = this.duration();
    if (!band) return;
    band.hidden = open || !d;
    if (!band.hidden) {
      band.style.left = `${this.start() / d * 100}%`;
      band.style.width = `${Math.max(0.5, (this.end() - this.start()) / d * 100)}%`;
    }
  }

  // Every picture the viewer shows, zoomed alike.
  pictures() {
    return [...this.root.querySelectorAll('.viewer-grid .viewer-video, .wipe-frame video, .difference-canvas')];
  }

  setZoom(zoom) {
    this.zoom = Math.max(1, Math.min(8, Math.round(zoom * 100) / 100));
    this.clampPan();
    this.applyZoom();
  }

  // At zoom z a picture may move by (1 - 1/z)/2 of its size each way: no black edge comes in.
  clampPan() {
    const reach = (1 - 1 / this.zoom) / 2 * 100;
    this.panX = Math.max(-reach, Math.min(reach, this.panX));
    this.panY = Math.max(-reach, Math.min(reach, this.panY));
  }

  applyZoom() {
    const zoomed = this.zoom > 1;
    this.root.dataset.zoomed = String(zoomed);
    this.root.dataset.zoom = String(this.zoom);
    const transform = zoomed ? `scale(${this.zoom}) translate(${this.panX}%, ${this.panY}%)` : '';
    for (const picture of this.pictures()) picture.style.transform = transform;
    const level = this.root.querySelector('[data-action="zoom-reset"]');
    if (level) {
      const percent = `${Math.round(this.zoom * 100)}%`;
      // The button's text is inside MudBlazor's label span.
      (level.querySelector('.mud-button-label') ?? level).textContent = percent;
      level.setAttribute('aria-label', `Zoom ${percent}, reset`);
    }
    // The wipe's line stays where its slider says, whatever the zoom.
    this.setWipe(this.root.querySelector('[data-action="wipe"]')?.value ?? 50);
  }

  // Dragging a zoomed picture pans every picture by the same share of its size.
  wirePan() {
    let drag = null;
    this.root.addEventListener('pointerdown', e => {
      const picture = e.target.closest?.('.viewer-video, .wipe-frame, .difference-canvas');
      if (this.zoom <= 1 || !picture || e.button !== 0) return;
      const box = picture.getBoundingClientRect();
      drag = { x: e.clientX, y: e.clientY, panX: this.panX, panY: this.panY, width: box.width, height: box.height };
      picture.setPointerCapture?.(e.pointerId);
      e.preventDefault();
    });
    this.root.addEventListener('pointermove', e => {
      if (!drag) return;
      this.panX = drag.panX + (e.clientX - drag.x) / (drag.width * this.zoom) * 100;
      this.panY = drag.panY + (e.clientY - drag.y) / (drag.height * this.zoom) * 100;
      this.clampPan();
      this.applyZoom();
    });
    const end = () => { drag = null; };
    this.root.addEventListener('pointerup', end);
    this.root.addEventListener('pointercancel', end);
  }

  toggleFullscreen() {
    if (document.fullscreenElement === this.root) document.exitFullscreen?.();
    else this.root.requestFullscreen?.().catch(() => {});
  }

  onFullscreen() {
    const button = this.root.querySelector('[data-action="fullscreen"]');
    const full = document.fullscreenElement === this.root;
    if (button) {
      button.setAttribute('aria-pressed', String(full));
      button.setAttribute('aria-label', full ? 'Leave full screen' : 'Full screen');
    }
  }

  setRate(rate) {
    this.rate = rate;
    for (const v of [this.master, ...this.followers()]) if (v) v.playbackRate = rate;
    const select = this.root.querySelector('[data-action="speed"]');
    if (select) select.value = String(rate);
  }

  setLayout(layout) {
    this.layout = layout;
    this.root.dataset.layout = layout;
    for (const b of this.root.querySelectorAll('[data-layout-button]')) b.setAttribute('aria-pressed', String(b.dataset.layoutButton === layout));
    for (const view of this.root.querySelectorAll('[data-view]')) {
      // The difference view reads A and B from the wipe's videos, which stay decodable (off-screen, not display:none).
      const visible = view.dataset.view === layout || (layout === 'difference' && view.dataset.view === 'wipe');
      view.hidden = !visible;
      view.classList.toggle('viewer-offscreen', layout === 'difference' && view.dataset.view === 'wipe');
    }
    this.root.querySelector('[data-ab-controls]').hidden = layout === 'grid';
    this.root.querySelector('[data-difference-only]').hidden = layout !== 'difference';
    this.applySources();
    this.align(true);
    if (this.playing) this.play();
  }

  sources() { return [...this.root.querySelectorAll('video[data-source]')]; }

  applySources() {
    this.exclusiveSides();
    const pick = (action, fallback) => {
      const select = this.root.querySelector(`[data-action="${action}"]`);
      return this.sources()[select ? parseInt(select.value, 10) : fallback];
    };
    if (this.layout === 'grid') return;
    for (const [video, source] of [[this.wipeA, pick('source-a', 0)], [this.wipeB, pick('source-b', 1)]]) {
      if (source && video.getAttribute('src') !== source.getAttribute('src')) {
        video.src = source.getAttribute('src');
        video.addEventListener('loadeddata', () => { this.align(true); this.drawDifference(); }, { once: true });
      }
    }
    const gain = this.root.querySelector('[data-action="gain"]')?.value ?? '4';
    if (this.canvas) this.canvas.style.filter = `brightness(${gain})`;
    this.setWipe(this.root.querySelector('[data-action="wipe"]')?.value ?? 50);
    this.drawDifference();
  }

  setWipe(percent) {
    // The clip is in the zoomed picture's own coordinates: where the line on screen falls in it.
    const local = 50 + (percent - 50) / this.zoom - this.panX;
    this.wipeB.style.clipPath = `inset(0 0 0 ${Math.max(0, Math.min(100, local))}%)`;
    const handle = this.root.querySelector('.wipe-handle');
    if (handle) handle.style.left = `${percent}%`;
  }

  drawDifference() {
    if (this.layout !== 'difference' || !this.canvas) return;
    const a = this.wipeA, b = this.wipeB;
    if (a.readyState < 2 || b.readyState < 2) return;
    const w = a.videoWidth, h = a.videoHeight;
    if (this.canvas.width !== w) this.canvas.width = w;
    if (this.canvas.height !== h) this.canvas.height = h;
    const ctx = this.canvas.getContext('2d');
    ctx.globalCompositeOperation = 'copy';
    ctx.drawImage(a, 0, 0, w, h);
    ctx.globalCompositeOperation = 'difference';
    ctx.drawImage(b, 0, 0, w, h);
  }

  showTime(at) {
    const t = at ?? this.time();
    const label = this.root.querySelector('.viewer-time');
    if (label) label.textContent = `${clock(t)} · frame ${Math.floor(t * this.fps + 1e-6)}`;
    const slider = this.root.querySelector('[data-action="seek"]');
    const d = this.duration();
    if (slider && d && document.activeElement !== slider) slider.value = String(Math.round(t / d * 1000));
  }

  setPlayIcon() {
    const button = this.root.querySelector('[data-action="play"]');
    if (!button) return;
    // What the button does now, for screen readers (the icon follows the viewer's data-playing).
    button.setAttribute('aria-label', this.playing ? 'Pause' : 'Play');
  }

  // The next source on a side, skipping the one the other side shows (disabled in its list).
  cycle(action) {
    const select = this.root.querySelector(`[data-action="${action}"]`);
    if (!select) return;
    const n = select.options.length;
    for (let step = 1; step < n; step++) {
      const next = (select.selectedIndex + step) % n;
      if (!select.options[next].disabled) { select.selectedIndex = next; break; }
    }
    this.applySources();
  }

  // A and B never show the same source: each list disables what the other side shows.
  exclusiveSides() {
    const a = this.root.querySelector('[data-action="source-a"]'), b = this.root.querySelector('[data-action="source-b"]');
    if (!a || !b) return;
    for (const o of a.options) o.disabled = o.value === b.value;
    for (const o of b.options) o.disabled = o.value === a.value;
  }

  onKey(e) {
    if (!this.root.isConnected) return this.dispose();
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const tag = e.target?.tagName;
    if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || e.target?.isContentEditable) return;
    const rates = [0.25, 0.5, 1, 2];
    const handled = {
      ' ': () => this.toggle(),
      'k': () => this.toggle(),
      'ArrowLeft': () => e.shiftKey ? this.seek(this.time() - 1) : this.step(-1),
      'ArrowRight': () => e.shiftKey ? this.seek(this.time() + 1) : this.step(1),
      ',': () => this.step(-1),
      '.': () => this.step(1),
      'Home': () => this.seek(0),
      'End': () => this.seek(this.duration() - 0.5 / this.fps),
      '[': () => this.setRate(rates[Math.max(0, rates.indexOf(this.rate) - 1)] ?? 1),
      ']': () => this.setRate(rates[Math.min(rates.length - 1, rates.indexOf(this.rate) + 1)] ?? 1),
      'l': () => { const box = this.root.querySelector('[data-action="loop"]'); box.checked = !box.checked; this.loop = box.checked; },
      'g': () => this.setLayout('grid'),
      'w': () => this.sources().length > 1 && this.setLayout('wipe'),
      'd': () => this.sources().length > 1 && this.setLayout('difference'),
      'a': () => this.cycle('source-a'),
      'b': () => this.cycle('source-b'),
      'i': () => this.markIn(),
      'o': () => this.markOut(),
      'x': () => this.setRange(null, null),
      '+': () => this.setZoom(this.zoom * 1.5),
      '=': () => this.setZoom(this.zoom * 1.5),
      '-': () => this.setZoom(this.zoom / 1.5),
      '0': () => this.setZoom(1),
      'f': () => this.toggleFullscreen(),
      '?': () => { const keys = this.root.querySelector('#viewer-keys'); if (keys) keys.open = !keys.open; },
    }[e.key.length === 1 ? e.key.toLowerCase() : e.key];
    if (!handled) return;
    e.preventDefault();
    handled();
  }

  // Comment time codes anywhere on the page seek the viewer.
  onSeekClick(e) {
    const target = e.target.closest?.('[data-seek]');
    if (!target) return;
    e.preventDefault();
    this.pause();
    this.seek(parseFloat(target.dataset.seek));
  }

  dispose() {
    this.playing = false;
    document.removeEventListener('keydown', this.onKey);
    document.removeEventListener('click', this.onSeekClick);
    document.removeEventListener('fullscreenchange', this.onFullscreen);
  }
}

// m:ss.ss, as the time label shows it.
function clock(t) {
  const m = Math.floor(t / 60);
  return `${m}:${(t - m * 60).toFixed(2).padStart(5, '0')}`;
}
