/** A rep as the territory screen lists them, whichever part of the overview they came from. */
export interface RepRow {
  id: string;
  name: string;
  teamId: string | null;
  territoryId: string | null;
  active: boolean;
}
