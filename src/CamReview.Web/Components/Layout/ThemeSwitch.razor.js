// The theme choice, for a year; read by the server on every page load. Bootstrap's attribute follows it for the pages
// that still use Bootstrap's styles.
export function remember(cookieName, theme) {
    document.cookie = `${cookieName}=${theme}; path=/; max-age=31536000; samesite=lax`;
    document.documentElement.setAttribute("data-bs-theme", theme);
}
