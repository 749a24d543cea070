// Sets each cookie assignment the server hands it (playground.ui.access.write_pending_cookie); adds
// Secure over HTTPS. The values are signed tokens the server made, never learner text.
export default function (c) {
  for (const k of c.data.cookies) {
    document.cookie = k + (location.protocol === 'https:' && !k.includes('; Secure') ? '; Secure' : '');
  }
}
