// The kiosk page: polls /api/state, shows the live preview with the card outline and guidance, the result
// for review and correction, in Vietnamese (default) or English.  No framework, no network beyond localhost.
"use strict";

const T = {
  vi: { title: "Quét giấy đăng ký xe", cancel: "Hủy", confirm: "Xác nhận", start: "Bắt đầu",
        paused: "Chạm để bắt đầu quét", reading: "Đang đọc thông tin…", done: "Đã lưu. Cảm ơn quý khách!",
        review: "Kiểm tra thông tin. Chạm vào một ô để sửa.", other: "English",
        step: (s, n) => n === 1 ? "Chụp thẻ" : (s === 0 ? "Bước 1/2: mặt trước" : "Bước 2/2: mặt sau"),
        front: "Mặt trước", back: "Mặt sau", timeout: "Hết thời gian — chạm để thử lại",
        expired: "Phiên đã hết hạn", src: { edge: "thiết bị", cloud: "đám mây", operator: "đã sửa" },
        fb: { merged: "Đã đối chiếu với máy chủ", timeout: "Máy chủ không trả lời — sẽ đối chiếu sau",
              unavailable: "Không có mạng — sẽ đối chiếu sau", rejected: "Máy chủ từ chối — sẽ đối chiếu sau" } },
  en: { title: "Scan a vehicle registration", cancel: "Cancel", confirm: "Confirm", start: "Start",
        paused: "Tap to start scanning", reading: "Reading…", done: "Saved. Thank you!",
        review: "Check the details. Tap a box to correct it.", other: "Tiếng Việt",
        step: (s, n) => n === 1 ? "Scan the card" : (s === 0 ? "Step 1/2: front" : "Step 2/2: back"),
        front: "Front", back: "Back", timeout: "Timed out — tap to try again",
        expired: "The session expired", src: { edge: "device", cloud: "cloud", operator: "corrected" },
        fb: { merged: "Checked with the server", timeout: "The server did not answer — it will be checked later",
              unavailable: "No network — it will be checked later", rejected: "Refused by the server — checked later" } },
};
const LABELS = {
  name: ["Tên chủ xe", "Owner"], address: ["Địa chỉ", "Address"], id: ["Số đăng ký", "Certificate no."],
  plate: ["Biển số", "Plate"], issued_at: ["Nơi cấp", "Issued at"], engine: ["Số máy", "Engine no."],
  chassis: ["Số khung", "Chassis no."], brand: ["Nhãn hiệu", "Brand"], model: ["Số loại", "Model"],
  color: ["Màu sơn", "Colour"], capacity: ["Dung tích", "Capacity"], last_issue_date: ["Ngày cấp", "Issued on"],
  first_issue_date: ["Đăng ký lần đầu", "First registered"], pay_load: ["Tải trọng", "Payload"],
};

let lang = localStorage.getItem("edge-lang") || "vi";
let state = null;
let shownScan = "";
let lastCaptured = -1;
let previewBusy = false;
const $ = (id) => document.getElementById(id);

function tr(key) { return T[lang][key]; }

function applyLang() {
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = tr(el.dataset.t); });
  $("lang").textContent = tr("other");
  document.title = tr("title");
  if (state) render(state, true);
}

function show(id) {
  for (const s of ["capture", "paused", "reading", "review", "done"]) $(s).classList.toggle("hidden", s !== id);
}

function drawOutline(corners) {
  const c = $("outline");
  const w = c.clientWidth, h = c.clientHeight;
  if (c.width !== w || c.height !== h) { c.width = w; c.height = h; }
  const g = c.getContext("2d");
  g.clearRect(0, 0, w, h);
  if (!corners) return;
  const ok = state && state.hint === "holding";
  g.strokeStyle = ok ? "#2fbf71" : "#f5a524";
  g.lineWidth = 6;
  g.beginPath();
  corners.forEach(([x, y], i) => (i ? g.lineTo(x * w, y * h) : g.moveTo(x * w, y * h)));
  g.closePath();
  g.stroke();
}

function renderResult(s) {
  const form = $("result");
  form.textContent = "";
  const li = lang === "vi" ? 0 : 1;
  for (const side of s.result.sides) {
    const box = document.createElement("div");
    box.className = "side";
    box.dataset.side = side.type;
    const h = document.createElement("h2");
    h.textContent = tr(side.type);
    box.appendChild(h);
    for (const f of side.fields) {
      const row = document.createElement("div");
      row.className = "field" + (f.sure ? "" : " unsure");
      const id = `f-${side.type}-${f.name}`;
      const label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = (LABELS[f.name] || [f.name, f.name])[li];
      const input = document.createElement("input");
      input.id = id;
      input.value = f.text;
      input.dataset.field = `${side.type}.${f.name}`;
      input.dataset.original = f.text;
      input.addEventListener("input", () => row.classList.toggle("edited", input.value !== input.dataset.original));
      const conf = document.createElement("span");
      conf.className = "conf";
      conf.textContent = `${Math.round(f.confidence * 100)}%`;
      const src = document.createElement("span");
      src.className = "src";
      src.textContent = tr("src")[f.source] || f.source;
      conf.appendChild(src);
      row.append(label, input, conf);
      box.appendChild(row);
    }
    form.appendChild(box);
  }
  const note = (tr("fb")[s.fallback.outcome]) || "";
  $("fallback-note").textContent = note;
}

function render(s, force) {
  const phase = s.phase;
  if (phase === "capturing") {
    show("capture");
    $("step").textContent = tr("step")(s.side, s.sides);
    $("guidance").textContent = s.message[lang];
    drawOutline(s.corners);
    if (lastCaptured >= 0 && s.captured > lastCaptured) {
      const f = $("flash");
      f.classList.add("on");
      setTimeout(() => f.classList.remove("on"), 60);
    }
    lastCaptured = s.captured;
    shownScan = "";
  } else if (phase === "paused") {
    show("paused");
    $("paused-msg").textContent = s.notice === "timeout" ? tr("timeout") : tr("paused");
  } else if (phase === "reading") {
    show("reading");
  } else if (phase === "review") {
    show("review");
    if (s.scan_id !== shownScan || force) {
      shownScan = s.scan_id;
      renderResult(s);
    }
  } else if (phase === "done") {
    show("done");
  }
}

async function poll() {
  try {
    const r = await fetch("/api/state", { cache: "no-store" });
    state = await r.json();
    render(state, false);
  } catch (e) { /* the service restarts: keep polling */ }
  setTimeout(poll, document.hidden ? 1000 : 150);
}

function refreshPreview() {
  const img = $("preview");
  if (!previewBusy && state && state.phase === "capturing" && !document.hidden) {
    previewBusy = true;
    const next = new Image();
    next.onload = () => { img.src = next.src; previewBusy = false; };
    next.onerror = () => { previewBusy = false; };
    next.src = `/api/preview.jpg?t=${Date.now()}`;
  }
  setTimeout(refreshPreview, 125);
}

function fixes() {
  const out = {};
  document.querySelectorAll("#result input").forEach((input) => {
    if (input.value !== input.dataset.original) {
      const [side, name] = input.dataset.field.split(".");
      (out[side] = out[side] || {})[name] = input.value;
    }
  });
  return out;
}

async function post(path, body) {
  await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" },
                      body: JSON.stringify(body || {}) });
}

$("lang").addEventListener("click", () => {
  lang = lang === "vi" ? "en" : "vi";
  localStorage.setItem("edge-lang", lang);
  applyLang();
});
$("confirm").addEventListener("click", () => post("/api/confirm", { fixes: fixes() }));
$("cancel").addEventListener("click", () => post("/api/cancel"));
$("cancel-capture").addEventListener("click", () => post("/api/cancel"));
$("start").addEventListener("click", () => post("/api/start"));
$("paused").addEventListener("click", (e) => { if (e.target.id !== "start") post("/api/start"); });

applyLang();
poll();
refreshPreview();
