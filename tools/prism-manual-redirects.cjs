// Preloaded into Prism (NODE_OPTIONS=--require) by the conformance test.
// Prism's validating proxy follows the upstream's redirects and validates
// the final answer (stoplightio/prism#1977, open), so the API's documented
// 302 (downloadPdfManagerZipFile) would reach neither the validator nor the
// client. This makes node-fetch, which Prism forwards with, return 3xx
// answers as they are unless a caller asks otherwise.
'use strict';
const path = require('path');

const prismHTTP = require.resolve('@stoplight/prism-http', { paths: [path.join(__dirname, 'node_modules')] });
const fetchModule = require(require.resolve('node-fetch', { paths: [path.dirname(prismHTTP)] }));
const follow = fetchModule.default;
fetchModule.default = function fetchWithoutRedirects(url, options) {
  return follow(url, Object.assign({ redirect: 'manual' }, options));
};
