// Square: small progressive enhancements. Every action also works without JavaScript.
"use strict";

function toast(message) {
  const box = document.createElement("div");
  box.className = "toast";
  box.setAttribute("role", "status");
  box.textContent = message;
  document.body.append(box);
  setTimeout(() => box.remove(), 4000);
}

// "Load more": fetch the next page's cards and append them.
document.addEventListener("click", async (event) => {
  const link = event.target.closest("[data-load-more]");
  if (!link) return;
  event.preventDefault();
  link.setAttribute("aria-busy", "true");
  const url = new URL(link.href, window.location.href);
  url.searchParams.set("partial", "1");
  try {
    const response = await fetch(url, { headers: { "X-Requested-With": "fetch" } });
    if (!response.ok) throw new Error(String(response.status));
    const html = await response.text();
    const holder = document.createElement("div");
    holder.innerHTML = html;
    const feed = link.parentElement;
    link.remove();
    feed.append(...holder.childNodes);
  } catch (error) {
    window.location.href = link.href; // fall back to an ordinary page load
  }
});

// Send a like/follow form in the background; the server answers with JSON.
async function sendToggle(form) {
  const response = await fetch(form.action, {
    method: "POST",
    body: new FormData(form),
    headers: { Accept: "application/json", "X-Requested-With": "fetch" },
    credentials: "same-origin",
  });
  const data = await response.json().catch(() => null);
  if (!data) throw new Error(String(response.status));
  if (!response.ok) {
    toast(data.error || String(response.status));
    return null;
  }
  return data;
}

function showLike(form, data) {
  const button = form.querySelector("button");
  form.querySelector("input[name=undo]").value = data.liked ? "1" : "0";
  button.classList.toggle("liked", data.liked);
  button.setAttribute("aria-pressed", String(data.liked));
  button.querySelector("[data-count]").textContent = data.count;
}

function showFollow(form, data) {
  const button = form.querySelector("button");
  form.querySelector("input[name=undo]").value = data.following ? "1" : "0";
  button.textContent = data.following ? button.dataset.on : button.dataset.off;
  button.classList.toggle("btn-primary", !data.following);
  button.classList.toggle("following", data.following);
  button.setAttribute("aria-pressed", String(data.following));
  const count = document.querySelector("[data-follower-count]");
  if (count && form.closest(".profile-head")) count.textContent = data.count;
}

document.addEventListener("submit", async (event) => {
  const form = event.target;
  const message = form.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
    return;
  }
  const show = form.hasAttribute("data-like") ? showLike : form.hasAttribute("data-follow") ? showFollow : null;
  if (!show) return;
  event.preventDefault();
  const button = form.querySelector("button");
  button.disabled = true;
  try {
    const data = await sendToggle(form);
    if (data) show(form, data);
  } catch (error) {
    form.submit(); // the ordinary post-and-redirect still works
  } finally {
    button.disabled = false;
  }
});

// The notifications page: once it is shown, mark what it shows read (a GET only shows,
// so no other site can clear the badge), and take the header's badge away.
document.addEventListener("DOMContentLoaded", async () => {
  const form = document.querySelector("form[data-mark-read]");
  if (!form) return;
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json", "X-Requested-With": "fetch" },
      credentials: "same-origin",
    });
    const data = await response.json();
    if (!response.ok) return;
    if (!data.unread) document.querySelectorAll("[data-unread]").forEach((badge) => badge.remove());
    form.remove();
  } catch (error) {
    // The button still works.
  }
});

// A stored page (the published results, the same bytes for everyone): fetch what is the
// reader's own — their part of the results, the header as they see it, a CSRF token for
// the page's forms — and put it in place. Without JavaScript the link stays.
document.addEventListener("DOMContentLoaded", async () => {
  const slot = document.querySelector("[data-mine-url]");
  if (!slot) return;
  try {
    const response = await fetch(slot.dataset.mineUrl, {
      headers: { "X-Fragment": "1" },
      credentials: "same-origin",
    });
    if (!response.ok) return;
    const holder = document.createElement("div");
    holder.innerHTML = await response.text();
    const body = holder.querySelector(".results-mine-body");
    if (!body) return;
    const nav = body.querySelector("template.topnav-fresh");
    if (nav) {
      document.querySelector(".topnav")?.replaceChildren(nav.content.cloneNode(true));
      nav.remove();
    }
    document.querySelectorAll("form[method=post]").forEach((form) => {
      let input = form.querySelector("input[name=csrfmiddlewaretoken]");
      if (!input) {
        input = document.createElement("input");
        input.type = "hidden";
        input.name = "csrfmiddlewaretoken";
        form.prepend(input);
      }
      input.value = body.dataset.csrf;
    });
    slot.replaceChildren(body);
  } catch (error) {
    // The link to the reader's own page still works.
  }
});
