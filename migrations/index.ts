// Core schema migrations, in order. Names sort; a new migration appends a new file and a line here.
import type { Migration } from 'kysely';
import * as m0001 from './0001_instance.ts';
import * as m0002 from './0002_org_and_people.ts';
import * as m0003 from './0003_boards_and_tasks.ts';
import * as m0004 from './0004_approvals.ts';
import * as m0005 from './0005_saved_views.ts';
import * as m0006 from './0006_task_links.ts';
import * as m0007 from './0007_escalations.ts';
import * as m0008 from './0008_webhooks.ts';
import * as m0009 from './0009_escalation_runs.ts';
import * as m0010 from './0010_open_escalations.ts';
import * as m0011 from './0011_card_checklists.ts';
import * as m0012 from './0012_board_personal_wip.ts';
import * as m0013 from './0013_task_watcher_count.ts';
import * as m0014 from './0014_sign_in_attempts.ts';
import * as m0015 from './0015_webhook_errors_without_bodies.ts';
import * as m0016 from './0016_approval_snapshots.ts';
import * as m0017 from './0017_roles_folder_imports.ts';
import * as m0018 from './0018_plugin_migrations.ts';
import * as m0021 from './0021_after_sales_plugin_types.ts';
import * as m0022 from './0022_listing_plugin_types.ts';
import * as m0025 from './0025_webhook_channels.ts';

export const coreMigrations: Record<string, Migration> = {
  '0001_instance': m0001,
  '0002_org_and_people': m0002,
  '0003_boards_and_tasks': m0003,
  '0004_approvals': m0004,
  '0005_saved_views': m0005,
  '0006_task_links': m0006,
  '0007_escalations': m0007,
  '0008_webhooks': m0008,
  '0009_escalation_runs': m0009,
  '0010_open_escalations': m0010,
  '0011_card_checklists': m0011,
  '0012_board_personal_wip': m0012,
  '0013_task_watcher_count': m0013,
  '0014_sign_in_attempts': m0014,
  '0015_webhook_errors_without_bodies': m0015,
  '0016_approval_snapshots': m0016,
  '0017_roles_folder_imports': m0017,
  '0018_plugin_migrations': m0018,
  '0021_after_sales_plugin_types': m0021,
  '0022_listing_plugin_types': m0022,
  '0025_webhook_channels': m0025,
};
