// Reports activity on a lesson while it is visible, so the server can measure seat time.
// The server decides what counts; this script only says "still here" and "back again".
(function () {
  const panel = document.querySelector("[data-heartbeat-url]");
  if (!panel) return;
  const url = panel.dataset.heartbeatUrl;
  const every = Number(panel.dataset.heartbeatSeconds) * 1000;
  const shown = panel.querySelector("[data-engaged]");
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;

  function report(state) {
    const body = new URLSearchParams({ state: state });
    return fetch(url, {
      method: "POST",
      body: body,
      headers: { "X-CSRFToken": csrf },
      credentials: "same-origin",
    })
      .then((response) => response.json())
      .then((data) => {
        if (shown && typeof data.engaged_seconds === "number") {
          shown.textContent = data.engaged_seconds;
        }
      })
      .catch(() => {});
  }

  report("resume");
  setInterval(() => {
    if (document.visibilityState === "visible") report("active");
  }, every);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") report("resume");
  });
})();
