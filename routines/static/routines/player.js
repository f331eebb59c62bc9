// The guided player: one step at a time, a timer, rest / skip / stop always one tap away.
//
// Without this script the page is the printed sheet: every step listed. With it, "Start"
// shows one step, large. Each hold counts down to a fixed end time (Date.now() + duration),
// never by counting ticks, so a busy phone or a tab in the background cannot stretch it.
// Nothing here fetches anything while practising: once the page is open, it works offline.
(() => {
  "use strict";

  const BETWEEN_SECONDS = 10; // to come out of one shape and settle into the next
  const body = document.body;
  const $ = (id) => document.getElementById(id);
  const steps = Array.from(document.querySelectorAll(".player-step"));
  const startButton = $("start");
  if (!startButton || steps.length === 0) return;
  document.documentElement.classList.add("js");

  const perBreath = Number(body.dataset.secondsPerBreath) || 8;
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  const controls = $("controls");
  const timerText = $("timer");
  const sideText = $("side");
  const progressBar = $("progress");
  const announcer = $("announce");
  const resting = $("resting");
  const skipButton = $("skip");

  // The practice as a list of phases: a hold per side, with a short pause between.
  const phases = [];
  steps.forEach((step, index) => {
    const seconds = Number(step.dataset.seconds) || 0;
    const breaths = Number(step.dataset.breaths) || 0;
    const name = step.querySelector("h2").textContent.trim();
    const sides = step.dataset.twoSides ? [1, 2] : [0];
    sides.forEach((side) => {
      if (side === 2) {
        phases.push({ kind: "between", index, seconds: BETWEEN_SECONDS, side: 2,
                      text: "Switch sides, when you are ready" });
      }
      phases.push({ kind: "hold", index, seconds, breaths, side, name });
    });
    if (index < steps.length - 1) {
      const next = steps[index + 1].querySelector("h2").textContent.trim();
      phases.push({ kind: "between", index: index + 1, seconds: BETWEEN_SECONDS, side: 0,
                    text: `Next: ${next}. Come out slowly, in your own time.` });
    }
  });

  let current = -1;
  let endsAt = 0; // the fixed moment the running phase ends (ms since the epoch)
  let remainingWhenRested = 0;
  let ticking = 0;
  let wakeLock = null;
  let audio = null;

  const say = (text) => {
    // Cleared first so that the same words twice are still read out.
    announcer.textContent = "";
    window.setTimeout(() => { announcer.textContent = text; }, 50);
  };

  const clock = (ms) => {
    const total = Math.ceil(ms / 1000);
    const minutes = Math.floor(total / 60);
    return `${minutes}:${String(total % 60).padStart(2, "0")}`;
  };

  function chime() {
    if (!audio) return;
    // A soft bell: a sine tone that fades out over two seconds.
    const now = audio.currentTime;
    const tone = audio.createOscillator();
    const volume = audio.createGain();
    tone.type = "sine";
    tone.frequency.value = 396;
    volume.gain.setValueAtTime(0.0001, now);
    volume.gain.exponentialRampToValueAtTime(0.12, now + 0.05);
    volume.gain.exponentialRampToValueAtTime(0.0001, now + 2);
    tone.connect(volume).connect(audio.destination);
    tone.start(now);
    tone.stop(now + 2.1);
  }

  async function keepAwake() {
    if (!("wakeLock" in navigator) || wakeLock) return;
    try {
      wakeLock = await navigator.wakeLock.request("screen");
      wakeLock.addEventListener("release", () => { wakeLock = null; });
    } catch (error) {
      wakeLock = null; // low battery or not allowed: the practice works all the same
    }
  }

  function letSleep() {
    if (wakeLock) wakeLock.release();
    wakeLock = null;
  }

  function render() {
    const phase = phases[current];
    if (!phase) return;
    const left = Math.max(0, endsAt - Date.now());
    if (phase.kind === "hold" && phase.seconds === 0) {
      timerText.textContent = "Take as long as you like";
      progressBar.value = 0;
    } else if (phase.kind === "hold" && phase.breaths) {
      const done = phase.seconds * 1000 - left;
      const breath = Math.min(phase.breaths, Math.floor(done / (perBreath * 1000)) + 1);
      timerText.textContent = `Breath ${breath} of ${phase.breaths} · about ${clock(left)} left`;
      progressBar.value = Math.round((done / (phase.seconds * 1000)) * 1000);
    } else {
      timerText.textContent = phase.kind === "hold" ? `${clock(left)} left` : clock(left);
      progressBar.value = Math.round((1 - left / (phase.seconds * 1000)) * 1000);
    }
    if (left === 0 && phase.seconds > 0) {
      if (phase.kind === "hold") chime();
      show(current + 1);
    }
  }

  function runClock(ms) {
    endsAt = Date.now() + ms;
    window.clearInterval(ticking);
    // Under reduced motion the numbers change once a second; otherwise a little more often,
    // so the display never lags the real end time by much.
    ticking = window.setInterval(render, reducedMotion.matches ? 1000 : 250);
    render();
  }

  function show(next) {
    if (next >= phases.length) { finish(); return; }
    current = next;
    const phase = phases[current];
    steps.forEach((step, index) => step.classList.toggle("current", index === phase.index));
    const step = steps[phase.index];
    const name = step.querySelector("h2").textContent.trim();
    body.classList.toggle("timed", phase.kind === "hold" && phase.seconds > 0);
    if (phase.kind === "between") {
      sideText.textContent = phase.text;
      skipButton.textContent = "Go on now";
      say(phase.text);
    } else {
      const side = { 0: "", 1: "First side", 2: "Other side" }[phase.side];
      sideText.textContent = side;
      skipButton.textContent = phase.seconds ? "Skip" : "Next";
      const count = step.querySelector(".step-count").textContent.trim();
      say(`${count}: ${name}.${side ? ` ${side}.` : ""}`);
    }
    runClock(phase.seconds * 1000);
  }

  function start() {
    if ($("sound").checked && (window.AudioContext || window.webkitAudioContext)) {
      // Made only now, inside the tap: browsers allow sound only after the person asks.
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      audio.resume();
    }
    body.classList.remove("finished");
    body.classList.add("playing");
    controls.hidden = false;
    const root = document.documentElement;
    if (root.requestFullscreen && !document.fullscreenElement) {
      root.requestFullscreen().catch(() => {}); // not offered everywhere (iPhone): fine
    }
    keepAwake();
    show(0);
    skipButton.focus();
  }

  function rest() {
    if (!body.classList.contains("playing")) return;
    remainingWhenRested = Math.max(0, endsAt - Date.now());
    window.clearInterval(ticking);
    body.classList.add("resting");
    resting.hidden = false;
    $("resting-heading").focus();
    say("Resting. The timer waits for you.");
  }

  function resume() {
    body.classList.remove("resting");
    resting.hidden = true;
    runClock(remainingWhenRested);
    $("rest").focus();
    say("Carrying on.");
  }

  function skip() {
    const phase = phases[current];
    if (!phase) return;
    // From a hold, skip straight to the next step's hold: no pause needed for a skipped shape.
    let next = current + 1;
    if (phase.kind === "hold") {
      while (next < phases.length && phases[next].kind === "between") next += 1;
    }
    show(next);
  }

  function finish() {
    window.clearInterval(ticking);
    current = -1;
    body.classList.remove("playing", "resting", "timed");
    body.classList.add("finished");
    controls.hidden = true;
    resting.hidden = true;
    steps.forEach((step) => step.classList.remove("current"));
    letSleep();
    if (document.fullscreenElement && document.exitFullscreen) {
      document.exitFullscreen().catch(() => {});
    }
    $("end-heading").focus();
  }

  // Another way to do the step, chosen mid-practice: only what is shown changes, never the
  // clock (endsAt stays as it is), so the hold carries on through the switch.
  function chooseWay(step, index) {
    const buttons = Array.from(step.querySelectorAll(".way-switch button"));
    if (buttons.length === 0) return;
    step.classList.toggle("on-way", index > 0);
    step.querySelectorAll(".player-way").forEach((way) => {
      way.classList.toggle("chosen", Number(way.dataset.way) === index);
    });
    buttons.forEach((button) => {
      button.setAttribute("aria-pressed", String(Number(button.dataset.way) === index));
    });
    say(index > 0 ? `Another way: ${buttons[index].textContent.trim()}.` : `Back to ${buttons[0].textContent.trim()}.`);
  }

  function nextWay() {
    const phase = phases[current];
    if (!phase) return;
    const step = steps[phase.index];
    const buttons = step.querySelectorAll(".way-switch button");
    if (buttons.length === 0) return;
    const pressed = step.querySelector('.way-switch button[aria-pressed="true"]');
    chooseWay(step, (Number(pressed ? pressed.dataset.way : 0) + 1) % buttons.length);
  }

  steps.forEach((step) => {
    step.querySelectorAll(".way-switch button").forEach((button) => {
      button.addEventListener("click", () => chooseWay(step, Number(button.dataset.way)));
    });
  });

  startButton.addEventListener("click", start);
  $("rest").addEventListener("click", rest);
  $("resume").addEventListener("click", resume);
  skipButton.addEventListener("click", skip);
  $("stop").addEventListener("click", finish);

  document.addEventListener("keydown", (event) => {
    if (!body.classList.contains("playing")) return;
    const typing = event.target.closest && event.target.closest("input, textarea, a");
    const key = event.key.toLowerCase();
    if (key === "escape") { finish(); event.preventDefault(); }
    else if (typing && key !== "r" && key !== "n" && key !== "w") return; // a focused button keeps its keys
    else if (key === "arrowright" || key === "n") { skip(); event.preventDefault(); }
    else if (key === "w") { nextWay(); event.preventDefault(); }
    else if (key === "r") {
      if (body.classList.contains("resting")) resume(); else rest();
      event.preventDefault();
    }
  });

  // The screen lock is dropped when the page is hidden; ask again on return.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && body.classList.contains("playing")) keepAwake();
    if (document.visibilityState === "visible" && current >= 0) render();
  });

  // "I practised today" needs the network; say so kindly instead of showing a browser error.
  const report = $("report");
  if (report) {
    report.addEventListener("submit", (event) => {
      if (navigator.onLine === false) {
        event.preventDefault();
        $("offline-note").hidden = false;
      }
    });
  }

  // Reopening the link without a network: a small service worker keeps a copy of this page
  // and what it shows (see player-sw.js). Only on the client's link, never on studio pages.
  const worker = body.dataset.worker;
  if (worker && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(worker).then(() => navigator.serviceWorker.ready).then((registration) => {
      const assets = Array.from(document.querySelectorAll("link[rel=stylesheet], script[src], img"))
        .map((element) => element.href || element.src);
      registration.active.postMessage({ keep: [window.location.href, ...assets] });
    }).catch(() => {}); // private browsing may refuse it: the open page still works
  }
})();
