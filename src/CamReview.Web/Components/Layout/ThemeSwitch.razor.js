// The theme choice, for a year; read by the server on every page load.
export function remember(cookieName, theme) {
    document.cookie = `${cookieName}=${theme}; path=/; max-age=31536000; samesite=lax`;
}
