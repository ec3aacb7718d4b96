// "Imprimer" buttons on printable pages (the page prints fine from the browser menu too).
document.querySelectorAll("[data-imprimer]").forEach(function (bouton) {
  bouton.addEventListener("click", function () {
    window.print();
  });
});
