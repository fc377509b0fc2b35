// Signs a person in with openid-client (authorization code + PKCE + nonce, id_token validated by the
// library), reads userinfo, and verifies the access token with jose against the JWKS — exactly the
// README's Node example, plus a cookie-keeping form "browser" standing in for the person.
// Environment: ISSUER, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, EMAIL, PASSWORD. Prints one JSON line.
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const { ISSUER, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, EMAIL, PASSWORD } = process.env;

// --- the README example -------------------------------------------------------------------------
const config = await client.discovery(new URL(ISSUER), CLIENT_ID, CLIENT_SECRET, undefined,
  ISSUER.startsWith('http://') ? { execute: [client.allowInsecureRequests] } : undefined);
const codeVerifier = client.randomPKCECodeVerifier();
const nonce = client.randomNonce();
const state = client.randomState();
const authorizationUrl = client.buildAuthorizationUrl(config, {
  redirect_uri: REDIRECT_URI, scope: 'openid profile email',
  code_challenge: await client.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256',
  nonce, state,
});
// ... the person logs in and approves; the browser comes back to REDIRECT_URI with ?code=…&state=…&iss=…
const callback = await browse(authorizationUrl);
const tokens = await client.authorizationCodeGrant(config, callback,
  { pkceCodeVerifier: codeVerifier, expectedNonce: nonce, expectedState: state, idTokenExpected: true });
const claims = tokens.claims(); // the id_token, validated: signature (JWKS), iss, aud, exp, nonce, at_hash
const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);

// A Node API checking Gatehouse access tokens (RFC 9068) with jose:
const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri));
const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer: ISSUER, audience: ISSUER, typ: 'at+jwt' });
// -------------------------------------------------------------------------------------------------

console.log(JSON.stringify({ sub: claims.sub, name: claims.name, email: claims.email, userinfo_email: userinfo.email,
  access_sub: payload.sub, scope: payload.scope }));

/** A person with a browser without JavaScript: follows redirects, logs in, approves; returns the callback URL. */
async function browse(start) {
  const cookies = new Map();
  let url = new URL(start);
  let form = null;
  for (let hops = 0; hops < 20; hops++) {
    if (url.href.startsWith(REDIRECT_URI)) {
      return url;
    }
    const res = await fetch(url, {
      method: form ? 'POST' : 'GET', redirect: 'manual',
      headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '), accept: 'text/html',
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: form ? new URLSearchParams(form) : undefined,
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    form = null;
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location'), url);
      continue;
    }
    const html = await res.text();
    const found = /<form\b[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
    if (!found) {
      throw new Error(`no form at ${url}: ${res.status} ${html}`);
    }
    const fields = {};
    for (const input of found[2].matchAll(/<input\b([^>]*)>/g)) {
      const name = /name="([^"]*)"/.exec(input[1]);
      const value = /value="([^"]*)"/.exec(input[1]);
      if (name) fields[unescape(name[1])] = value ? unescape(value[1]) : '';
    }
    if ('password' in fields) {
      Object.assign(fields, { email: EMAIL, password: PASSWORD });
    } else {
      fields.decision = 'approve';
    }
    form = fields;
    url = new URL(unescape(found[1]), url);
  }
  throw new Error('too many redirects');
}

function unescape(s) {
  return s.replaceAll('&amp;', '&').replaceAll('&#34;', '"').replaceAll('&quot;', '"').replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<').replaceAll('&gt;', '>');
}
