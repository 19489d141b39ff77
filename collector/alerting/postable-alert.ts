/** An alert as Alertmanager's v2 API takes it (POST /api/v2/alerts, the PostableAlert of its OpenAPI spec). */
export interface PostableAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** RFC 3339. */
  readonly startsAt: string;
  /** RFC 3339; in the past (or now) means resolved. */
  readonly endsAt: string;
  readonly generatorURL: string;
}
