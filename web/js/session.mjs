// Who is logged in: the token (from ?token=, localStorage, or the server's development token)
// and the user id it names. The page reads the id only to label things; the server verifies.

const TOKEN_KEY = "imedge.token";

function claimsOf(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(part));
  } catch {
    return null;
  }
}

// The `sub` (or `user_id`) claim of a JWT, or null when it cannot be read.
export function userOf(token) {
  const claims = claimsOf(token);
  return claims ? String(claims.sub ?? claims.user_id ?? "") || null : null;
}

// The token's `exp` in milliseconds since the epoch, or null when it has none.
export function expiryOf(token) {
  const exp = claimsOf(token)?.exp;
  return typeof exp === "number" ? exp * 1000 : null;
}

// A token given in the address wins (and is kept, then removed from the address bar so it is
// not bookmarked or shared by accident); else the one kept from last time.
export function storedToken() {
  const url = new URL(location.href);
  const given = url.searchParams.get("token");
  if (given) {
    localStorage.setItem(TOKEN_KEY, given);
    url.searchParams.delete("token");
    history.replaceState(null, "", url);
    return given;
  }
  return localStorage.getItem(TOKEN_KEY);
}

export function keepToken(token) {
  localStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken() {
  localStorage.removeItem(TOKEN_KEY);
}

// The development token for `user`, when the server runs with its development secret
// (GET /dev/token?user=NAME answers the token as text). Null when the server has none.
export async function developmentToken(user) {
  const res = await fetch(`/dev/token?user=${encodeURIComponent(user)}`);
  if (!res.ok) return null;
  return (await res.text()).trim();
}
