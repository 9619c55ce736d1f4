/* Passkeys (WebAuthn) on the two-step pages: add one, or use one as the second step.
   Forms marked data-passkey stay hidden where the browser has no WebAuthn; the server
   (accounts/passkey_views.py) makes the options, keeps the challenge and checks the answer. */
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials) return;
  // WebAuthn binds keys to a domain name: a site reached by a bare IP address cannot use them.
  if (/^[0-9.]+$|^\[|:/.test(location.hostname)) return;

  function toBuffer(text) {
    var padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function send(url, form, fields) {
    var body = new FormData();
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    body.append("csrfmiddlewaretoken", token);
    Object.keys(fields).forEach(function (key) { body.append(key, fields[key]); });
    return fetch(url, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (json) {
          // A lockout answers with the lockout page, not JSON.
          if (response.status === 429 && !json.error) json.error = form.dataset.locked;
          return { ok: response.ok, json: json };
        });
      });
  }

  function creation(options) {
    options.challenge = toBuffer(options.challenge);
    options.user.id = toBuffer(options.user.id);
    (options.excludeCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
    return { publicKey: options };
  }

  function request(options) {
    options.challenge = toBuffer(options.challenge);
    (options.allowCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
    return { publicKey: options };
  }

  function registered(c) {
    return JSON.stringify({
      id: c.id, rawId: toText(c.rawId), type: c.type,
      response: {
        clientDataJSON: toText(c.response.clientDataJSON),
        attestationObject: toText(c.response.attestationObject),
        transports: c.response.getTransports ? c.response.getTransports() : []
      },
      clientExtensionResults: c.getClientExtensionResults()
    });
  }

  function asserted(c) {
    return JSON.stringify({
      id: c.id, rawId: toText(c.rawId), type: c.type,
      response: {
        clientDataJSON: toText(c.response.clientDataJSON),
        authenticatorData: toText(c.response.authenticatorData),
        signature: toText(c.response.signature),
        userHandle: c.response.userHandle ? toText(c.response.userHandle) : null
      },
      clientExtensionResults: c.getClientExtensionResults()
    });
  }

  function say(form, text) {
    var status = form.querySelector("[data-passkey-status]");
    if (status) status.textContent = text;
  }

  document.querySelectorAll("form[data-passkey]").forEach(function (form) {
    form.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var adding = form.dataset.passkey === "register";
      var button = form.querySelector("button");
      var inputs = form.querySelectorAll("input[name=name], input[name=current_code]");
      button.disabled = true;
      say(form, "");
      send(form.dataset.optionsUrl, form, {})
        .then(function (options) {
          if (!options.ok) throw new Error(options.json.error || form.dataset.failed);
          var ask = adding
            ? navigator.credentials.create(creation(options.json))
            : navigator.credentials.get(request(options.json));
          return ask.catch(function () { throw new Error(form.dataset.cancelled); });
        })
        .then(function (credential) {
          var fields = { credential: adding ? registered(credential) : asserted(credential) };
          inputs.forEach(function (input) { fields[input.name] = input.value; });
          return send(form.action, form, fields);
        })
        .then(function (result) {
          if (result.ok && result.json.redirect) {
            window.location.assign(result.json.redirect);
            return;
          }
          throw new Error(result.json.error || form.dataset.failed);
        })
        .catch(function (error) { say(form, error.message); })
        .finally(function () { button.disabled = false; });
    });
  });
})();
