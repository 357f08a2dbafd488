// A theme applied to a rendered dashboard (create_dashboard_render_task `theme`): the server checks
// the name and sends the theme's settings along (`theme_settings`, Looker's ThemeSettings names);
// the page turns them into CSS custom properties and the title/filter toggles.

export interface AppliedTheme {
  readonly name: string;
  /** Custom properties and colours for the dashboard's root element. */
  readonly style: Record<string, string>;
  readonly showTitle: boolean;
  readonly showFilters: boolean;
}

const CSS_VARS: Readonly<Record<string, string>> = {
  background_color: '--theme-bg',
  font_color: '--theme-text',
  font_family: '--theme-font',
  primary_button_color: '--theme-primary',
  tile_background_color: '--theme-tile-bg',
  tile_text_color: '--theme-tile-text',
  title_color: '--theme-title',
  text_tile_text_color: '--theme-text-tile',
  tile_title_alignment: '--theme-tile-title-align',
};

/** The theme named in the page's address, or null (none, or settings that cannot be read). */
export function themeFromParams(params: URLSearchParams): AppliedTheme | null {
  const name = params.get('theme');
  const raw = params.get('theme_settings');
  if (name === null || name === '' || raw === null) return null;
  let settings: unknown;
  try {
    settings = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) return null;
  const style: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings as Record<string, unknown>)) {
    const cssVar = CSS_VARS[key];
    // A value that is no single CSS token list (no `;`, braces) is dropped rather than applied.
    if (cssVar !== undefined && typeof value === 'string' && value !== '' && !/[;{}]/.test(value)) style[cssVar] = value;
  }
  const flags = settings as { show_title?: unknown; show_filters_bar?: unknown };
  return { name, style, showTitle: flags.show_title !== false, showFilters: flags.show_filters_bar !== false };
}
