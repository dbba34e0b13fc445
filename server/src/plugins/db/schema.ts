import type { Generated, GeneratedAlways } from 'kysely';

export interface WorkerHeartbeatsTable {
  worker_id: string;
  hostname: string;
  pid: number;
  started_at: Generated<Date>;
  beat_at: Generated<Date>;
}

export type Role = 'rtd' | 'editor' | 'admin' | 'viewer' | 'staff' | 'lettura';

export interface ComuniTable {
  istat: string;
  name: string;
  name_folded: Generated<string>;
  province_code: string;
  province_sigla: string;
  province_name: string;
  region_code: string;
  region_name: string;
  resident_population: number | null;
  resident_population_date: string | null;
  legal_population: number | null;
  legal_population_date: string | null;
  surface_km2: number | null;
  altitude_zone: number | null;
  altitude_m: number | null;
  coastal: Generated<boolean>;
  island: Generated<boolean>;
  codice_catastale: string | null;
  codice_ipa: string | null;
  valid_from: string | null;
  valid_to: string | null;
  successor_istat: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type AggregationKind = 'unione' | 'comunita_montana' | 'ufficio_rtd_associato' | 'consorzio' | 'altro';

export interface AggregationsTable {
  id: Generated<string>;
  name: string;
  kind: AggregationKind;
  codice_fiscale: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface AggregationMembersTable {
  aggregation_id: string;
  comune_istat: string;
  joined_on: Generated<string>;
  left_on: string | null;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string;
  role: Role;
  status: Generated<'active' | 'disabled' | 'erased'>;
  password_hash: string | null;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  last_login_at: Date | null;
  last_seen_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface MembershipsTable {
  id: Generated<string>;
  user_id: string;
  comune_istat: string | null;
  aggregation_id: string | null;
  granted_by: string | null;
  granted_at: Generated<Date>;
}

export interface InvitationsTable {
  id: Generated<string>;
  email: string;
  name: string;
  role: Role;
  comune_istats: Generated<string[]>;
  aggregation_ids: Generated<string[]>;
  token_hash: string;
  invited_by: string | null;
  expires_at: Date;
  accepted_at: Date | null;
  accepted_user_id: string | null;
  created_at: Generated<Date>;
}

export interface ApiTokensTable {
  id: Generated<string>;
  name: string;
  token_hash: string;
  role: Role;
  comune_istats: Generated<string[]>;
  created_by: string | null;
  created_at: Generated<Date>;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  created_at: Generated<Date>;
  last_seen_at: Generated<Date>;
  expires_at: Date;
}

export interface OidcFlowsTable {
  state: string;
  nonce: string;
  code_verifier: string;
  browser_binding: string;
  invitation_token_hash: string | null;
  created_at: Generated<Date>;
}

export interface PasswordResetsTable {
  id: Generated<string>;
  user_id: string;
  token_hash: string;
  expires_at: Date;
  used_at: Date | null;
  created_at: Generated<Date>;
}

export interface PasswordResetRequestsTable {
  id: Generated<number>;
  email_hash: string;
  ip: string;
  at: Generated<Date>;
}

export interface LoginFailuresTable {
  id: Generated<number>;
  ip: string;
  email_hash: string;
  at: Generated<Date>;
}

/** A client (address) from which an account signed in; see auth/login.throttle.ts. */
export interface LoginKnownClientsTable {
  email_hash: string;
  ip: string;
  last_success_at: Generated<Date>;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Generated<Date>;
  actor_user_id: string | null;
  actor_token_id: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  changes: Generated<unknown>;
  request_id: string | null;
  ip: string | null;
}

export interface MailOutboxTable {
  id: Generated<string>;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  headers: Generated<unknown>;
  created_at: Generated<Date>;
}

export interface ThemesTable {
  code: string;
  parent_code: string | null;
  label: string;
  description: string | null;
  sort_order: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type FundingStatus = 'assegnato' | 'erogato' | 'rinuncia';

export interface FundingAwardsTable {
  id: Generated<string>;
  comune_istat: string;
  source: string;
  application_key: string;
  avviso: string;
  /** `avviso` folded (case, spacing) as matching compares it with call titles. */
  avviso_key: GeneratedAlways<string>;
  measure_code: string;
  measure_name: string | null;
  window_number: number | null;
  amount: number;
  applied_at: Date | null;
  funded_on: string | null;
  cup: string | null;
  protocol: string | null;
  decree: string | null;
  status: FundingStatus;
  status_on: string | null;
  source_file: string | null;
  snapshot_date: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type ProgrammingPriority = 'high' | 'medium' | 'low';
export type ProgrammingStatus = 'planned' | 'in_progress' | 'done' | 'dropped';
export type ProgrammingFundingStatus = 'unfunded' | 'partly_funded' | 'funded';

export interface ProgrammingItemsTable {
  id: Generated<string>;
  comune_istat: string;
  /** Unique per comune; generated (PT-<start year>-<nn>) when the user gives none. */
  code: string;
  title: string;
  description: string | null;
  start_year: number;
  end_year: number;
  estimated_cost: number | null;
  priority: ProgrammingPriority;
  status: ProgrammingStatus;
  funding_status: ProgrammingFundingStatus;
  created_by: string | null;
  updated_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ProgrammingItemThemesTable {
  item_id: string;
  theme_code: string;
}

export interface ProgrammingItemFundingsTable {
  item_id: string;
  funding_award_id: string;
}

export interface ComuneProfilesTable {
  comune_istat: string;
  notes: string | null;
  updated_by: string | null;
  updated_at: Generated<Date>;
}

export interface ComuneContactsTable {
  id: Generated<string>;
  comune_istat: string;
  name: string;
  role: string;
  email: string | null;
  phone: string | null;
  position: number;
}

export interface ComuneInterestsTable {
  comune_istat: string;
  theme_code: string;
}

export type EditorialStatus = 'draft' | 'in_review' | 'approved' | 'scheduled' | 'published' | 'withdrawn' | 'archived';
export type ProgrammeKind = 'pnrr' | 'fesr' | 'fse_plus' | 'regionale' | 'nazionale' | 'ue' | 'fondazione' | 'altro';
export type CallProcedure = 'sportello' | 'graduatoria' | 'finestre';

export interface CallsTable {
  id: Generated<string>;
  title: string;
  summary: string | null;
  description: string | null;
  issuer: string;
  programme_kind: ProgrammeKind;
  programme_code: string | null;
  measure_code: string | null;
  procedure: CallProcedure;
  eligibility: unknown;
  total_budget: number | null;
  remaining_budget: number | null;
  amount: unknown;
  amount_max: number | null;
  cofinancing_share: number | null;
  publication_date: string | null;
  opens_at: Date | null;
  closes_at: Date | null;
  links: unknown;
  contact: unknown;
  editorial_status: Generated<EditorialStatus>;
  publish_at: Date | null;
  published_at: Date | null;
  withdrawn_reason: string | null;
  merged_into: string | null;
  version: Generated<number>;
  submitted_by: string | null;
  approved_by: string | null;
  created_by: string | null;
  updated_by: string | null;
  search_text: Generated<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface CallWindowsTable {
  call_id: string;
  number: number;
  label: string | null;
  opens_at: Date;
  closes_at: Date | null;
}

export interface CallThemesTable {
  call_id: string;
  theme_code: string;
  suggested: Generated<boolean>;
}

export interface CallSourcesTable {
  call_id: string;
  source_kind: string;
  external_id: string;
  url: string | null;
  created_at: Generated<Date>;
}

export interface CallVersionsTable {
  id: Generated<number>;
  call_id: string;
  version: number;
  changes: unknown;
  changed_by: string | null;
  changed_by_source: string | null;
  changed_at: Generated<Date>;
}

export type RevisionStatus = 'draft' | 'in_review' | 'approved' | 'published' | 'discarded';

export interface CallRevisionsTable {
  id: Generated<string>;
  call_id: string;
  status: Generated<RevisionStatus>;
  content: unknown;
  base: unknown;
  authors: Generated<string[]>;
  source: string | null;
  updated_by: string | null;
  submitted_by: string | null;
  approved_by: string | null;
  closed_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  closed_at: Date | null;
}

export interface CallEventsTable {
  id: Generated<number>;
  call_id: string;
  kind: 'call.published' | 'call.changed' | 'call.withdrawn';
  payload: unknown;
  created_at: Generated<Date>;
  processed_at: Date | null;
  alerted_at: Date | null;
}

export type EmailAlerts = 'immediate' | 'daily' | 'weekly' | 'off';

export interface AlertSubscriptionsTable {
  user_id: string;
  comuni: string[] | null;
  email: Generated<EmailAlerts>;
  in_app: Generated<boolean>;
  themes: Generated<string[]>;
  programmes: Generated<string[]>;
  min_score: Generated<number>;
  eligible_only: Generated<boolean>;
  reminder_days: Generated<number[]>;
  updated_at: Generated<Date>;
}

export interface NotificationsTable {
  id: Generated<number>;
  user_id: string;
  call_id: string;
  comune_istat: string | null;
  event_key: string;
  title: string;
  body: string;
  link: string;
  created_at: Generated<Date>;
  read_at: Date | null;
  kind: Generated<AlertKind>;
  /** False: kept for digests and feeds only (the user turned in-app notifications off). */
  shown: Generated<boolean>;
  /** When the call matches several of the user's comuni: each one's title, body and link, for the digests. */
  comuni: Generated<unknown>;
}

export type AlertKind = 'published' | 'changed' | 'withdrawn' | 'reminder' | 'opened' | 'search' | 'application';

export interface CallFollowsTable {
  user_id: string;
  call_id: string;
  mode: 'follow' | 'mute';
  created_at: Generated<Date>;
}

export interface SavedSearchesTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  query: unknown;
  notify: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface SavedSearchHitsTable {
  saved_search_id: string;
  call_id: string;
  created_at: Generated<Date>;
}

export interface AlertDigestsTable {
  user_id: string;
  period: string;
  covered_until: Date;
  items: number;
  created_at: Generated<Date>;
}

export interface AlertCursorsTable {
  name: string;
  until: Date;
}

export interface FeedTokensTable {
  token: string;
  comune_istat: string | null;
  user_id: string | null;
  created_at: Generated<Date>;
}

export interface WebhooksTable {
  id: Generated<string>;
  comune_istat: string | null;
  aggregation_id: string | null;
  url: string;
  description: string | null;
  secret: string;
  active: Generated<boolean>;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ThemeRulesTable {
  id: Generated<number>;
  kind: 'measure' | 'keyword';
  pattern: string;
  theme_code: string;
}

export type SourceKind = 'padigitale2026' | 'italiadomani' | 'lombardia' | 'plone' | 'rss' | 'csv';

export interface IngestSourcesTable {
  id: Generated<string>;
  name: string;
  kind: SourceKind;
  location: string;
  every_minutes: number | null;
  trusted: Generated<boolean>;
  enabled: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface IngestRunsTable {
  id: Generated<string>;
  source_id: string | null;
  kind: string;
  location: string;
  status: Generated<'running' | 'succeeded' | 'failed'>;
  seen: Generated<number>;
  created: Generated<number>;
  updated: Generated<number>;
  unchanged: Generated<number>;
  failed: Generated<number>;
  failures: Generated<unknown>;
  error: string | null;
  started_at: Generated<Date>;
  finished_at: Date | null;
  runner_host: string | null;
  runner_pid: number | null;
  runner_id: string | null;
}

export interface IngestItemsTable {
  source_kind: string;
  external_id: string;
  raw: unknown;
  hash: string;
  call_id: string | null;
  error: string | null;
  first_seen_at: Generated<Date>;
  last_seen_at: Generated<Date>;
}

export interface SearchOutboxTable {
  id: Generated<number>;
  call_id: string;
  created_at: Generated<Date>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  last_error: string | null;
  processed_at: Date | null;
}

export interface SearchDocumentsTable {
  call_id: string;
  document: unknown;
  tsv: unknown;
  title_folded: string;
  editorial_status: string;
  programme: string;
  measure_code: string | null;
  themes: string[];
  sources: string[];
  body_types: string[];
  regions: string[];
  provinces: string[];
  amount_max: number | null;
  remaining_budget: number | null;
  opens_ms: number | null;
  closes_ms: number | null;
  window_opens: number[];
  window_closes: number[];
  published_at: Date | null;
  indexed_at: Generated<Date>;
}

export interface MatchesTable {
  comune_istat: string;
  call_id: string;
  verdict: 'eligible' | 'eligible_via_aggregation';
  score: number;
  components: unknown;
  reasons: unknown;
  amount_min: number | null;
  amount_max: number | null;
  amount_basis: string | null;
  call_version: number;
  computed_at: Generated<Date>;
}

export interface RematchQueueTable {
  id: Generated<number>;
  comune_istat: string;
  created_at: Generated<Date>;
  processed_at: Date | null;
}

/** Every table the server queries; each feature adds its own. */
export interface AlertDeliveriesTable {
  id: Generated<number>;
  idempotency_key: string;
  user_id: string | null;
  call_id: string | null;
  channel: 'email' | 'webhook';
  webhook_id: string | null;
  kind: Generated<string>;
  status: Generated<'queued' | 'sent' | 'dead'>;
  message: unknown;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  last_error: string | null;
  created_at: Generated<Date>;
  sent_at: Date | null;
}

/** Today's members of each aggregation (a view: joined, not yet left). */
export interface CurrentAggregationMembersView {
  aggregation_id: string;
  comune_istat: string;
  joined_on: Date;
}

/** The comuni each user serves today: direct memberships plus today's members of their aggregations (a view). */
export interface ServedComuniView {
  user_id: string;
  comune_istat: string;
}

export type ApplicationStatus = 'interessato' | 'in_preparazione' | 'presentata' | 'finanziata' | 'non_finanziata' | 'rinunciata' | 'non_pertinente';
export type NotApplyingReason = 'no_cofinanziamento' | 'scadenza_vicina' | 'gia_coperto' | 'mancanza_personale' | 'non_prioritario' | 'altro';

export interface ApplicationsTable {
  id: Generated<string>;
  comune_istat: string;
  call_id: string;
  status: ApplicationStatus;
  reason: NotApplyingReason | null;
  reason_text: string | null;
  amount_requested: number | null;
  cup: string | null;
  protocol_number: string | null;
  protocol_date: string | null;
  status_source: Generated<'manuale' | 'importazione'>;
  status_changed_at: Generated<Date>;
  funding_award_id: string | null;
  /** The first open step of the phase the status is in, kept by triggers (migration 2026_11_30_0900). */
  next_step_title: string | null;
  next_step_due_on: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ApplicationEventsTable {
  id: Generated<string>;
  application_id: string;
  comune_istat: string;
  actor_id: string | null;
  action: string;
  changes: Generated<unknown>;
  at: Generated<Date>;
}

export interface ApplicationStepsTable {
  id: Generated<string>;
  application_id: string;
  phase: 'preparazione' | 'attuazione';
  title: string;
  due_on: string | null;
  position: number;
  assignee_id: string | null;
  done_at: Date | null;
  done_by: string | null;
  created_at: Generated<Date>;
}

export interface ApplicationNotesTable {
  id: Generated<string>;
  application_id: string;
  author_id: string | null;
  body: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ApplicationNoteRevisionsTable {
  id: Generated<string>;
  note_id: string;
  previous_body: string;
  edited_by: string | null;
  edited_at: Generated<Date>;
}

export interface ApplicationFollowersTable {
  application_id: string;
  user_id: string;
  created_at: Generated<Date>;
}

export interface IndicatorTargetsTable {
  key: string;
  target: number;
  updated_at: Generated<Date>;
}

/** Counted per day and subject (a call id, a search text), never per person. */
export interface UsageCountsTable {
  day: string;
  kind: 'call_view' | 'alert_click' | 'search_empty';
  subject: Generated<string>;
  count: Generated<number>;
}

export interface FeedbackAnswersTable {
  id: Generated<string>;
  day: string;
  call_id: string;
  useful: boolean;
  comment: string | null;
}

export interface Database {
  current_aggregation_members: CurrentAggregationMembersView;
  served_comuni: ServedComuniView;
  indicator_targets: IndicatorTargetsTable;
  usage_counts: UsageCountsTable;
  feedback_answers: FeedbackAnswersTable;
  worker_heartbeats: WorkerHeartbeatsTable;
  alert_deliveries: AlertDeliveriesTable;
  alert_subscriptions: AlertSubscriptionsTable;
  notifications: NotificationsTable;
  call_follows: CallFollowsTable;
  saved_searches: SavedSearchesTable;
  saved_search_hits: SavedSearchHitsTable;
  alert_digests: AlertDigestsTable;
  alert_cursors: AlertCursorsTable;
  feed_tokens: FeedTokensTable;
  webhooks: WebhooksTable;
  comuni: ComuniTable;
  aggregations: AggregationsTable;
  aggregation_members: AggregationMembersTable;
  users: UsersTable;
  memberships: MembershipsTable;
  invitations: InvitationsTable;
  api_tokens: ApiTokensTable;
  sessions: SessionsTable;
  oidc_flows: OidcFlowsTable;
  login_failures: LoginFailuresTable;
  login_known_clients: LoginKnownClientsTable;
  password_resets: PasswordResetsTable;
  password_reset_requests: PasswordResetRequestsTable;
  audit_log: AuditLogTable;
  mail_outbox: MailOutboxTable;
  themes: ThemesTable;
  funding_awards: FundingAwardsTable;
  applications: ApplicationsTable;
  application_events: ApplicationEventsTable;
  application_steps: ApplicationStepsTable;
  application_notes: ApplicationNotesTable;
  application_note_revisions: ApplicationNoteRevisionsTable;
  application_followers: ApplicationFollowersTable;
  programming_items: ProgrammingItemsTable;
  programming_item_themes: ProgrammingItemThemesTable;
  programming_item_fundings: ProgrammingItemFundingsTable;
  comune_profiles: ComuneProfilesTable;
  comune_contacts: ComuneContactsTable;
  comune_interests: ComuneInterestsTable;
  calls: CallsTable;
  call_windows: CallWindowsTable;
  call_themes: CallThemesTable;
  call_sources: CallSourcesTable;
  call_versions: CallVersionsTable;
  call_events: CallEventsTable;
  call_revisions: CallRevisionsTable;
  theme_rules: ThemeRulesTable;
  ingest_sources: IngestSourcesTable;
  ingest_runs: IngestRunsTable;
  ingest_items: IngestItemsTable;
  search_outbox: SearchOutboxTable;
  search_documents: SearchDocumentsTable;
  matches: MatchesTable;
  rematch_queue: RematchQueueTable;
}
