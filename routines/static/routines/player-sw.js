// Keeps the client's practice page usable without a network once it has been opened.
//
// Served at /p/sw.js, so it looks after /p/ only (the practice links), never studio pages.
// Network first: while online the server always answers, so a revoked or expired link is a
// 404 at once and its kept copy is thrown away; the copy is used only when offline.
"use strict";

const CACHE = "groundwork-practice-v1";
const OFFLINE_COPY = { "X-Practice-Offline-Copy": "1" }; // not counted as an opening

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

// The page sends what it shows (itself, its styles, script and pictures) once it is open.
self.addEventListener("message", (event) => {
  const urls = (event.data && event.data.keep) || [];
  event.waitUntil(caches.open(CACHE).then((cache) => Promise.all(urls.map((url) => {
    if (new URL(url).origin !== self.location.origin) return null;
    return fetch(url, { headers: OFFLINE_COPY, credentials: "same-origin" })
      .then((response) => (response.ok ? cache.put(url, response) : cache.delete(url)))
      .catch(() => null);
  }))));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    fetch(request).then((response) => {
      if (response.status === 404 || response.status === 410) {
        // The link was turned off or ended: its kept pages go too.
        caches.open(CACHE).then((cache) => cache.keys().then((keys) => Promise.all(
          keys.filter((key) => key.url.startsWith(request.url)).map((key) => cache.delete(key))
        )));
      } else if (response.ok) {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.match(request).then((kept) => kept && cache.put(request, copy)));
      }
      return response;
    }).catch(() => caches.match(request).then((kept) => kept || Response.error()))
  );
});
