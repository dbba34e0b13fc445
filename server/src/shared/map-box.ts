/** The territory map's drawing box, in SVG units: the server projects Lombardy into it, the SPA keeps its room while it loads. */
export const MAP_BOX = { width: 600, height: 620 } as const;
