/**
 * Themes a dashboard render task may name (`theme`). Looker renders the embedded version of the
 * dashboard with a valid theme's settings. Overlook has no theme administration (custom themes are
 * a licensed Looker feature), so the one theme is Looker's built-in default, `Looker`, with the
 * settings Looker documents for it; a name that is not a theme is refused before the task is made.
 */

/** The ThemeSettings members a render applies (Looker's names). */
export interface ThemeSettings {
  readonly background_color: string;
  readonly font_color: string;
  readonly font_family: string;
  readonly primary_button_color: string;
  readonly tile_background_color: string;
  readonly tile_text_color: string;
  readonly title_color: string;
  readonly text_tile_text_color: string;
  readonly tile_title_alignment: 'left' | 'center' | 'right';
  readonly show_title: boolean;
  readonly show_filters_bar: boolean;
}

export const THEMES: Readonly<Record<string, ThemeSettings>> = {
  Looker: {
    background_color: '#f6f8fa',
    font_color: '#3e3f40',
    font_family: 'Roboto, "Noto Sans", "Helvetica Neue", Helvetica, Arial, sans-serif',
    primary_button_color: '#1a73e8',
    tile_background_color: '#ffffff',
    tile_text_color: '#3e3f40',
    title_color: '#3e3f40',
    text_tile_text_color: '#3e3f40',
    tile_title_alignment: 'left',
    show_title: true,
    show_filters_bar: true,
  },
};

/** The theme's settings, or null when there is no theme of that name (names are case-sensitive, as Looker's). */
export function themeSettings(name: string): ThemeSettings | null {
  return Object.hasOwn(THEMES, name) ? THEMES[name] ?? null : null;
}
