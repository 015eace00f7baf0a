/* Camera scanning where the browser has no BarcodeDetector (Safari on iPhone, Firefox).
 *
 * Loaded before checkin.js on the door page. Where window.BarcodeDetector is missing, it puts
 * a small stand-in there with the same two calls the door uses (getSupportedFormats, detect),
 * backed by jsQR, which is served by coopnet from /static/vendor/jsqr/ and fetched only when
 * the first frame is read, i.e. when someone starts the camera. Browsers with their own
 * detector (Chrome on Android) keep it and never load jsQR.
 */
(function () {
  "use strict";
  if ("BarcodeDetector" in window) { return; }

  var script = document.currentScript;
  var decoderUrl = script && script.dataset.decoder;
  var loading = null;
  var canvas = null;

  /* jsQR, loaded once, on first use */
  function loadDecoder() {
    if (window.jsQR) { return Promise.resolve(window.jsQR); }
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = decoderUrl;
        tag.async = true;
        tag.onload = function () { return window.jsQR ? resolve(window.jsQR) : reject(new Error("jsQR")); };
        tag.onerror = function () { loading = null; reject(new Error("jsQR could not be loaded")); };
        document.head.appendChild(tag);
      });
    }
    return loading;
  }

  /* the pixels of a video, image or canvas, at most 800 px wide (enough for a ticket's QR) */
  function pixels(source) {
    var width = source.videoWidth || source.naturalWidth || source.width;
    var height = source.videoHeight || source.naturalHeight || source.height;
    if (!width || !height) { return null; }
    var scale = Math.min(1, 800 / width);
    canvas = canvas || document.createElement("canvas");
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    var context = canvas.getContext("2d", {willReadFrequently: true});
    context.drawImage(source, 0, 0, canvas.width, canvas.height);
    return context.getImageData(0, 0, canvas.width, canvas.height);
  }

  /* the text of the QR code in an ImageData, or "" */
  function decodeImageData(decode, image) {
    var found = decode(image.data, image.width, image.height, {inversionAttempts: "attemptBoth"});
    return found && found.data ? found.data : "";
  }

  function FallbackDetector(options) {
    var formats = (options && options.formats) || ["qr_code"];
    if (formats.indexOf("qr_code") === -1) { throw new TypeError("only qr_code is supported"); }
  }
  FallbackDetector.getSupportedFormats = function () { return Promise.resolve(["qr_code"]); };
  /* like BarcodeDetector.detect: a promise of [{rawValue, format}], empty when no code is seen */
  FallbackDetector.prototype.detect = function (source) {
    return loadDecoder().then(function (decode) {
      var image = pixels(source);
      var text = image ? decodeImageData(decode, image) : "";
      return text ? [{rawValue: text, format: "qr_code"}] : [];
    });
  };
  FallbackDetector.coopnetFallback = true;
  window.BarcodeDetector = FallbackDetector;
})();
