// The case submission page (templates/petitions/case_submit.html). A file,
// not an inline script, so the content security policy allows only 'self'.
(function () {
  // The similar-cases hint reads only the start of the details.
  document.body.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt.id === "similar-cases" && event.detail.parameters.body) {
      event.detail.parameters.body = String(event.detail.parameters.body).slice(0, 400);
    }
  });
  // A second click while the first post is on its way would only return the
  // same case (the form carries a one-time key), but say so by disabling.
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; b.setAttribute("aria-busy", "true"); });
    });
  });
})();
