// Demo card form, shared by index.html (ES module) and script-tag.html (classic script): both
// hand the loaded card-capture functions to CardCaptureDemo.start. A classic script, so that the
// script-tag page needs no module support; it touches the DOM only through textContent and
// attributes, which the pages' Trusted Types policy requires.
(function () {
  'use strict';

  var MESSAGES = {
    number: {
      valid: 'Valid card number.',
      incomplete: 'The card number is incomplete.',
      invalid: 'This card number is not valid.',
      empty: 'Enter the card number.',
    },
    expiry: {
      valid: 'Valid expiry date.',
      incomplete: 'Enter month and year, MM / YY.',
      invalid: 'This date is in the past, too far ahead or not a real month.',
      empty: 'Enter the expiry date.',
    },
    cvv: {
      valid: 'Valid security code.',
      incomplete: 'The security code is too short.',
      invalid: 'Digits only, as printed on the card.',
      empty: 'Enter the security code.',
    },
    holder: {
      valid: 'Valid name.',
      incomplete: 'Enter the name as printed on the card.',
      invalid: 'Letters, spaces, apostrophes, hyphens and dots only, 2 to 45 characters.',
      empty: 'Enter the name as printed on the card.',
    },
  };
  var LABELS = { number: 'card number', expiry: 'expiry date', cvv: 'security code', holder: 'name' };
  var FIELDS = ['number', 'expiry', 'cvv', 'holder'];

  function byId(id) {
    return document.getElementById(id);
  }

  function whenDomReady(fn) {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fn);
    else fn();
  }

  // Formats the field in place and puts the caret where the formatter says, so typing or
  // deleting in the middle of the number does not throw the caret to the end. The event's
  // inputType (Input Events Level 2) tells the formatter a Backspace from a Delete.
  function reformat(input, format, inputType) {
    var caret = input.selectionStart === null ? input.value.length : input.selectionStart;
    var out = format(input.value, caret, inputType);
    if (out.value !== input.value) input.value = out.value;
    if (document.activeElement === input) input.setSelectionRange(out.caret, out.caret);
  }

  function attach(cc) {
    var form = byId('card-form');
    var brandEl = byId('brand');
    var network = byId('network');
    var networkOptions = byId('network-options');
    var summary = byId('summary');
    var cvvLabel = document.querySelector('label[for=cvv]');
    var inputs = {};
    FIELDS.forEach(function (name) { inputs[name] = byId(name); });
    var brands = [];
    var results = {};
    var cvvRequired = true;

    // Field states: empty, incomplete (could still become valid), valid, invalid. While the buyer
    // types, only input that can never become valid is flagged; `strict` (after leaving a field
    // or on submit) also flags incomplete input.
    function show(name, strict) {
      var value = inputs[name].value;
      var r = results[name];
      var state = value.trim() === '' ? (name === 'cvv' && !cvvRequired ? 'valid' : 'empty')
        : r.valid ? 'valid' : r.potentiallyValid ? 'incomplete' : 'invalid';
      // A wrong number of a length the brand issues stays potentially valid when longer numbers
      // exist (a 16-digit Visa with a typo: Visa also issues 19 digits). Once the buyer leaves
      // the field, say it is wrong rather than incomplete.
      if (strict && name === 'number' && state === 'incomplete'
        && r.lengths.indexOf(value.replace(/\D/g, '').length) !== -1) state = 'invalid';
      var flagged = state === 'invalid' || (strict && state !== 'valid');
      var field = inputs[name].closest('.field');
      field.dataset.state = state;
      field.classList.toggle('flagged', flagged);
      inputs[name].setAttribute('aria-invalid', flagged ? 'true' : 'false');
      var text = '';
      if (flagged || (state === 'valid' && value !== '')) text = MESSAGES[name][state];
      if (name === 'expiry' && state === 'valid') text = 'Expires ' + pad(r.month) + '/' + r.year + '.';
      byId(name + '-status').textContent = text;
    }

    function pad(n) {
      return n < 10 ? '0' + n : String(n);
    }

    function chosenBrand() {
      if (brands.length > 1) {
        var checked = networkOptions.querySelector('input:checked');
        for (var i = 0; i < brands.length; i += 1) if (checked && brands[i].id === checked.value) return brands[i];
      }
      return brands[0];
    }

    // Several brands means a co-badged card (e.g. Cartes Bancaires + Visa): under the EU
    // interchange fee regulation (2015/751, art. 8) the buyer may choose the network.
    function setBrands(next) {
      var key = next.map(function (b) { return b.id; }).join(' ');
      if (key === brands.map(function (b) { return b.id; }).join(' ')) return;
      brands = next;
      form.dataset.brand = key;
      brandEl.textContent = next.map(function (b) { return b.name; }).join(' / ');
      while (networkOptions.firstChild) networkOptions.removeChild(networkOptions.firstChild);
      network.hidden = next.length < 2;
      next.forEach(function (b, i) {
        if (next.length < 2) return;
        var label = document.createElement('label');
        label.className = 'network-option';
        var radio = document.createElement('input');
        radio.type = 'radio';
        radio.name = 'network';
        radio.value = b.id;
        radio.dataset.paylineType = b.paylineType;
        radio.checked = i === 0;
        label.appendChild(radio);
        label.appendChild(document.createTextNode(' ' + b.name));
        networkOptions.appendChild(label);
      });
    }

    function checkNumber(strict, inputType) {
      reformat(inputs.number, cc.formatNumber, inputType);
      var r = cc.validateNumber(inputs.number.value);
      results.number = r;
      setBrands(r.brands);
      // The CVV field follows the brand: Amex 4 digits, most others 3, and some brands print
      // none (Maestro, for one), where the field becomes optional.
      var known = r.brands.length > 0;
      inputs.cvv.maxLength = known ? r.cvvLength : 4;
      inputs.cvv.placeholder = known ? r.cvvLength + ' digits' : '';
      cvvRequired = !known || r.cvvRequired !== false;
      cvvLabel.textContent = cvvRequired ? 'Security code' : 'Security code (optional)';
      show('number', strict);
      checkCvv(false);
    }

    function checkExpiry(strict, inputType) {
      reformat(inputs.expiry, cc.formatExpiry, inputType);
      results.expiry = cc.validateExpiry(inputs.expiry.value);
      show('expiry', strict);
    }

    function checkCvv(strict) {
      var brand = chosenBrand();
      results.cvv = brand ? cc.validateCvv(inputs.cvv.value, brand.id) : cc.validateCvv(inputs.cvv.value);
      show('cvv', strict);
    }

    function checkHolder(strict) {
      results.holder = cc.validateHolder(inputs.holder.value);
      show('holder', strict);
    }

    var checks = { number: checkNumber, expiry: checkExpiry, cvv: checkCvv, holder: checkHolder };
    FIELDS.forEach(function (name) {
      var input = inputs[name];
      // `change` too: some autofill implementations fire only that.
      input.addEventListener('input', function (event) { checks[name](false, event.inputType); });
      input.addEventListener('change', function () { checks[name](false); });
      input.addEventListener('blur', function () { if (input.value !== '') checks[name](true); });
    });
    networkOptions.addEventListener('change', function () { if (inputs.cvv.value !== '') checkCvv(false); });

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      FIELDS.forEach(function (name) { checks[name](true); });
      var bad = FIELDS.filter(function (name) { return inputs[name].closest('.field').dataset.state !== 'valid'; });
      if (bad.length > 0) {
        summary.textContent = 'Check the ' + bad.map(function (n) { return LABELS[n]; }).join(', ') + '.';
        inputs[bad[0]].focus();
        return;
      }
      var digits = inputs.number.value.replace(/\D/g, '');
      summary.textContent = 'Card ready: ' + chosenBrand().paylineType + ' ending ' + digits.slice(-4)
        + ', expiry ' + results.expiry.payline + '. This demo sends nothing.';
    });

    FIELDS.forEach(function (name) {
      inputs[name].disabled = false;
      checks[name](false);
    });
    form.querySelector('button[type=submit]').disabled = false;
    summary.textContent = '';
    document.documentElement.dataset.cardCapture = 'ready';
  }

  window.CardCaptureDemo = Object.freeze({
    start: function (cc) {
      whenDomReady(function () { attach(cc); });
    },
    fail: function (err) {
      whenDomReady(function () {
        byId('summary').textContent = 'card-capture did not load: ' + (err && err.message ? err.message : String(err));
        document.documentElement.dataset.cardCapture = 'error';
      });
    },
  });
})();
