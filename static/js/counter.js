// Campaign 字 counter for the compose box, and the ticking countdowns of campaign pages.
// The counting functions mirror campaigns/rules.py (`counted_length`, `distinct_count`,
// `carries_tag`) and the tokenizer of square/text.py exactly; campaigns/tests/
// test_counter_js.py runs them under node against the shared cases and the Python rules.
// Every sentence shown comes translated from the server (json_script "compose-extra").
"use strict";

(function (root) {
  const MAX_TAG_LENGTH = 64;
  // Python's `\w` (str.isalnum() or "_"): letters and numbers, not marks.
  const WORD = "[\\p{L}\\p{N}_]";
  // square.text: URL_RE (IGNORECASE); `\S` is "not Python whitespace" (str.isspace()).
  const NOT_SPACE = "[^\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
  const URL_RE = new RegExp("(?:https?://|www\\.)" + NOT_SPACE + "+", "giu");
  // square.text: where a tag may start; what follows is read by wordLength (UAX #31).
  const TAG_START_RE = /(?<![A-Za-z0-9_&/])#/gu;
  const SCHEME_AFTER_RE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
  // square.text.WORD_CATEGORIES, REPETITION_MARKS, JOINERS, MIDDLE_DOT, WAVE_MARKS.
  const WORD_CHAR_RE = /^[\p{Lu}\p{Ll}\p{Lt}\p{Lm}\p{Lo}\p{Nl}\p{Nd}\p{Mn}\p{Mc}\p{Pc}\u3003]$/u;
  const JOINERS = "\u200c\u200d";
  const MIDDLE_DOT = "\u00b7";
  const BETWEEN_LETTERS = "\u0f0b\u05f3\u05f4";
  const WAVE_MARKS = "\u301c~\uff5e";
  const JAPANESE = [
    [0x3040, 0x30ff], [0x31f0, 0x31ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff],
    [0xf900, 0xfaff], [0xff66, 0xff9f], [0x20000, 0x3134f],
  ];
  const SQUARE_MENTION_RE = /(?<![A-Za-z0-9_.@+-])@([A-Za-z0-9_.+-]{1,150})/gu;
  const URL_TRAILING = ".,;:!?'\")]}>。，、；：！？」』）】》";
  // campaigns.rules.MENTION_RE: a mention of any script, for counting.
  const COUNT_MENTION_RE = new RegExp("(?<![A-Za-z0-9_])@" + WORD + "+", "gu");
  const CJK_RANGES = [
    [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xf900, 0xfaff], [0x20000, 0x323af],
    [0x2f800, 0x2fa1f], [0x3040, 0x309f], [0x30a0, 0x30ff], [0x31f0, 0x31ff],
    [0xac00, 0xd7af],
  ];
  const LINE_BREAKS = "\n\r\t\x0b\x0c\x85"; // control characters that part words

  const nfkc = (s) => s.normalize("NFKC");
  const cpLength = (s) => Array.from(s).length;
  // Python's str.casefold(), closely: upper then lower folds ß → ss; JavaScript's
  // context-dependent final sigma is folded back to σ as casefold() does.
  const casefold = (s) => s.toUpperCase().toLowerCase().replace(/ς/g, "σ");
  const tagKey = (tag) => nfkc(casefold(nfkc(tag)));
  const isLetter = (c) => /^\p{L}$/u.test(c);
  // campaigns.rules._unit_kind: letters, numbers and spacing marks continue a word.
  const isWordUnit = (c) => /^[\p{L}\p{N}\p{Mc}]$/u.test(c);

  function rstrip(s, chars) {
    const cps = Array.from(s);
    while (cps.length && chars.includes(cps[cps.length - 1])) cps.pop();
    return cps.join("");
  }

  const isWordChar = (c) => WORD_CHAR_RE.test(c);
  const isMark = (c) => /^\p{M}$/u.test(c);
  const isJapanese = (c) => {
    const code = c.codePointAt(0);
    return JAPANESE.some(([lo, hi]) => lo <= code && code <= hi);
  };

  // square.text.joins_word
  function joinsWord(before, c, after) {
    if (JOINERS.includes(c)) return isWordChar(before) && isWordChar(after);
    if (c === MIDDLE_DOT || BETWEEN_LETTERS.includes(c)) return isLetter(before) && isLetter(after);
    if (WAVE_MARKS.includes(c)) return isJapanese(before) && isJapanese(after);
    return false;
  }

  // square.text.word_length over a code point array: how many form one word from start.
  function wordLength(cps, start) {
    let end = start;
    while (end < cps.length) {
      const c = cps[end];
      if (isWordChar(c)) {
        if (end === start && isMark(c)) break;
      } else if (!(end > start && end < cps.length - 1 && joinsWord(cps[end - 1], c, cps[end + 1]))) {
        break;
      }
      end += 1;
    }
    return end - start;
  }

  function isValidTag(word) {
    const cps = Array.from(word);
    return cps.length > 0 && cps.length <= MAX_TAG_LENGTH && wordLength(cps, 0) === cps.length
      && /\p{L}/u.test(word);
  }

  // square.text._tags: [start, end, key, whole] with JS string indices.
  function tags(norm, inUrl) {
    const found = [];
    for (const m of norm.matchAll(TAG_START_RE)) {
      const body = m.index + 1;
      const rest = Array.from(norm.slice(body));
      const length = wordLength(rest, 0);
      const word = rest.slice(0, length).join("");
      if (inUrl(m.index) || !isValidTag(word) || SCHEME_AFTER_RE.test(norm.slice(body))) continue;
      let end = body + word.length;
      if (norm[end] === "#") end += 1;
      found.push([m.index, end, tagKey(word), norm.slice(m.index, end)]);
    }
    return found;
  }

  function isCjk(c) {
    if (c === "〇") return true;
    const code = c.codePointAt(0);
    return CJK_RANGES.some(([lo, hi]) => lo <= code && code <= hi) && isLetter(c);
  }

  function isInvisible(c) {
    if (/^\p{Cc}$/u.test(c)) return !LINE_BREAKS.includes(c);
    return /^[\p{Cf}\p{Mn}\p{Me}]$/u.test(c);
  }

  // square.text._matches over the NFKC text: [start, end, kind, value, match] in order,
  // never overlapping (offsets are JS string indices, consistent within this file).
  function matches(norm) {
    const found = [];
    const urlSpans = [];
    for (const m of norm.matchAll(URL_RE)) {
      urlSpans.push([m.index, m.index + m[0].length]);
      const target = rstrip(m[0], URL_TRAILING);
      found.push([m.index, m.index + target.length, "url", target, m[0]]);
    }
    const inUrl = (pos) => urlSpans.some(([s, e]) => s <= pos && pos < e);
    for (const [start, end, key, whole] of tags(norm, inUrl)) {
      found.push([start, end, "tag", key, whole]);
    }
    for (const m of norm.matchAll(SQUARE_MENTION_RE)) {
      const name = rstrip(m[1], ".");
      if (inUrl(m.index) || !name) continue;
      found.push([m.index, m.index + 1 + name.length, "mention", name, m[0]]);
    }
    found.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const kept = [];
    let lastEnd = 0;
    for (const match of found) {
      if (match[0] >= lastEnd) {
        kept.push(match);
        lastEnd = match[1];
      }
    }
    return kept;
  }

  function hashtags(text) {
    const keys = [];
    for (const [, , kind, value] of matches(nfkc(text))) {
      if (kind === "tag" && !keys.includes(value)) keys.push(value);
    }
    return keys;
  }

  // campaigns.rules._glued_tag_length: a campaign tag with CJK glued right after it.
  function gluedTagLength(value, tags) {
    const cps = Array.from(value);
    for (const tag of tags) {
      const n = cpLength(tag);
      if (value.startsWith(tag) && cps.length > n && isCjk(cps[n])) return n;
    }
    return null;
  }

  function stripLinksTagsMentions(text, tags) {
    const norm = nfkc(text);
    const pieces = [];
    let pos = 0;
    for (const [start, end, kind, value, whole] of matches(norm)) {
      if (kind === "mention") continue;
      pieces.push(norm.slice(pos, start));
      const glued = kind === "tag" ? gluedTagLength(value, tags) : null;
      if (glued !== null) {
        // Python slices norm[start + 1 + glued : end]: code points after "#" + tag.
        pieces.push(" " + rstrip(Array.from(whole).slice(1 + glued).join(""), "#"));
      } else {
        pieces.push(" ");
      }
      pos = end;
    }
    pieces.push(norm.slice(pos));
    return pieces.join("").replace(COUNT_MENTION_RE, " ");
  }

  function units(text, tags) {
    tags = tags || [];
    const cleaned = Array.from(stripLinksTagsMentions(text, tags)).filter((c) => !isInvisible(c));
    const found = [];
    let word = [];
    for (const [i, c] of cleaned.entries()) {
      const cjk = isCjk(c);
      const joins = word.length > 0 && i + 1 < cleaned.length && !isCjk(cleaned[i + 1])
        && joinsWord(cleaned[i - 1], c, cleaned[i + 1]);
      if (!cjk && (isWordUnit(c) || joins)) {
        word.push(c);
      } else {
        if (word.length) {
          found.push(word.join(""));
          word = [];
        }
        if (cjk) found.push(c);
      }
    }
    if (word.length) found.push(word.join(""));
    return found;
  }

  const countedLength = (text, tags) => units(text, tags).length;
  const distinctCount = (text, tags) => new Set(units(text, tags).map(casefold)).size;

  function carriesTag(text, tags) {
    return hashtags(text).some((key) => tags.includes(key) || gluedTagLength(key, tags) !== null);
  }

  const api = { countedLength, distinctCount, carriesTag, hashtags, units, tagKey };
  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;
    return;
  }
  root.squareCounter = api;

  // --- in the browser ---------------------------------------------------------------------

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, (all, name) => (name in values ? String(values[name]) : all));
  }

  function render(box, text, data) {
    box.replaceChildren();
    for (const c of data.campaigns) {
      const line = document.createElement("p");
      line.className = "camp-counter-line";
      if (carriesTag(text, c.tags)) {
        const n = countedLength(text, c.tags);
        const distinct = distinctCount(text, c.tags);
        const ok = n >= c.min_chars && distinct >= c.min_distinct;
        line.classList.add(ok ? "ok" : "not-ok");
        let said = fill(data.labels.count, { tag: c.hashtag, n: n, min: c.min_chars });
        if (ok) said += " · " + data.labels.ok;
        else if (n < c.min_chars) said += " · " + fill(data.labels.short, { left: c.min_chars - n });
        else said += " · " + fill(data.labels.variety, { distinct: distinct, min: c.min_distinct });
        line.textContent = said;
      } else {
        line.classList.add("hint");
        line.textContent = fill(data.labels.missing, { tag: c.hashtag, title: c.title, min: c.min_chars }) + " ";
        const link = document.createElement("a");
        link.href = c.url;
        link.textContent = data.labels.rules;
        line.append(link);
      }
      box.append(line);
    }
  }

  function startCounters() {
    const holder = document.getElementById("compose-extra");
    if (!holder) return;
    const data = JSON.parse(holder.textContent);
    if (!data || !data.campaigns || !data.campaigns.length) return;
    for (const area of document.querySelectorAll("textarea[name=body]")) {
      const box = document.createElement("div");
      box.className = "camp-counter";
      box.setAttribute("aria-live", "polite");
      area.insertAdjacentElement("afterend", box);
      let pending = 0;
      const update = () => {
        pending = 0;
        render(box, area.value, data);
      };
      area.addEventListener("input", () => {
        if (!pending) pending = window.requestAnimationFrame(update);
      });
      update();
    }
  }

  function secondsLeft(el) {
    return Math.max(0, Math.floor((Date.parse(el.dataset.countdown) - Date.now()) / 1000));
  }

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  function startCountdowns() {
    const clocks = Array.from(document.querySelectorAll("[data-countdown]")).map((el) => {
      const left = secondsLeft(el);
      return { el, days: Math.floor(left / 86400), running: left > 0 };
    });
    if (!clocks.length) return;
    const tick = () => {
      for (const item of clocks) {
        if (!item.running) continue;
        const left = secondsLeft(item.el);
        const days = Math.floor(left / 86400);
        if (left === 0 || days !== item.days) {
          // The words for days and phases come from the server: ask it again, once.
          item.running = false;
          window.setTimeout(() => window.location.reload(), 1500);
          continue;
        }
        const rest = left % 86400;
        const clock = item.el.querySelector("[data-countdown-clock]");
        if (clock) {
          clock.textContent = pad(Math.floor(rest / 3600)) + ":" + pad(Math.floor((rest % 3600) / 60)) + ":" + pad(rest % 60);
        }
      }
    };
    window.setInterval(tick, 1000);
  }

  function start() {
    startCounters();
    startCountdowns();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})(typeof window !== "undefined" ? window : globalThis);
