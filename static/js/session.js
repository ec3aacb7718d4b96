// Inactivity warning: shows a DSFR alert before the session expires; "Rester connecté" calls the
// keep-alive URL, which renews the session. Loaded as a file (CSP: script-src 'self').
(function () {
  "use strict";
  var bloc = document.getElementById("session-expiration");
  if (!bloc) return;
  var duree = parseInt(bloc.dataset.duree, 10) || 0;
  var alerte = parseInt(bloc.dataset.alerte, 10) || 120;
  var bouton = document.getElementById("session-maintenir");
  var minuteurs = [];

  function armer(secondes) {
    minuteurs.forEach(clearTimeout);
    minuteurs = [];
    bloc.hidden = true;
    minuteurs.push(
      setTimeout(function () {
        bloc.hidden = false;
        bouton.focus();
      }, Math.max(secondes - alerte, 0) * 1000)
    );
    minuteurs.push(
      setTimeout(function () {
        window.location.assign(bloc.dataset.connexion);
      }, secondes * 1000)
    );
  }

  bouton.addEventListener("click", function () {
    fetch(bloc.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (reponse) {
        if (!reponse.ok) throw new Error(String(reponse.status));
        return reponse.json();
      })
      .then(function (donnees) { armer(donnees.expire_dans); })
      .catch(function () { window.location.assign(bloc.dataset.connexion); });
  });
  // After an htmx exchange, the server says how long the session has left (it renews the session
  // at most once a minute, so an exchange does not always move the expiry).
  document.body.addEventListener("htmx:afterRequest", function (evenement) {
    var xhr = evenement.detail && evenement.detail.xhr;
    var reste = xhr ? parseInt(xhr.getResponseHeader("X-Session-Expire-Dans"), 10) : NaN;
    if (!isNaN(reste)) armer(reste);
  });
  armer(duree);
})();
