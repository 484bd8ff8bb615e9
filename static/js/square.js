// Square: small progressive enhancements. Every action also works without JavaScript.
"use strict";

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

document.addEventListener("submit", (event) => {
  const message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) event.preventDefault();
});
