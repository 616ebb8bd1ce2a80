// Starts Swagger UI on the API docs page (a file, not an inline script: the site's CSP allows none).
(function () {
  var root = document.getElementById("swagger-ui");
  var csrf = root.getAttribute("data-csrf-token");
  window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    requestInterceptor: function (request) {
      // Signed-in readers try the API with their session; writes need the CSRF token.
      if (csrf) request.headers["X-CSRFToken"] = csrf;
      return request;
    },
  });
})();
