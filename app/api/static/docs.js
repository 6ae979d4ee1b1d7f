// Starts Swagger UI (the vendored swagger-ui-bundle.js, loaded before this file) on /docs with the
// gateway's OpenAPI document. A file, not an inline script, so the page keeps the gateway's strict
// Content-Security-Policy (app/api/security_headers.py).
"use strict";
(function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    oauth2RedirectUrl: window.location.origin + root.dataset.oauth2RedirectUrl,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
    // no badge from the public validator service: nothing is loaded from another origin
    validatorUrl: null,
  });
})();
