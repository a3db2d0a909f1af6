/** The welcome page's path in the build (vite.config.ts lists it as an input: no manifest key names it). */
export const WELCOME_PAGE = 'src/welcome/index.html';
