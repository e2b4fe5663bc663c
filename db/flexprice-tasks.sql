-- FlexPrice's `tasks` table (DESIGN §6a), as FlexPrice's ent migration creates it at HEAD
-- (ent/schema/task.go with the base and environment mixins; ent/migrate/schema.go TasksColumns).
-- Kept apart from flexprice-schema.sql: EXPORTER_FLEXPRICE_TASKS=true needs it, and the tests of
-- a database without it (exit 78 at start) load only flexprice-schema.sql.
CREATE TABLE IF NOT EXISTS tasks (
    id                 varchar(100) PRIMARY KEY,
    tenant_id          varchar(50)  NOT NULL,
    status             varchar(20)  NOT NULL DEFAULT 'published',
    created_at         timestamptz  NOT NULL,
    updated_at         timestamptz  NOT NULL,
    created_by         varchar,
    updated_by         varchar,
    environment_id     varchar(50)  DEFAULT '',
    task_type          varchar(50)  NOT NULL,
    entity_type        varchar(50)  NOT NULL,
    scheduled_task_id  varchar(50),
    workflow_id        varchar(255),
    file_url           varchar(255) NOT NULL DEFAULT '',
    file_name          varchar(255),
    file_type          varchar(10)  NOT NULL,
    task_status        varchar(50)  NOT NULL DEFAULT 'PENDING',
    total_records      bigint,
    processed_records  bigint       NOT NULL DEFAULT 0,
    successful_records bigint       NOT NULL DEFAULT 0,
    failed_records     bigint       NOT NULL DEFAULT 0,
    error_summary      text,
    metadata           jsonb,
    started_at         timestamptz,
    completed_at       timestamptz,
    failed_at          timestamptz
);
CREATE INDEX IF NOT EXISTS idx_tasks_tenant_env_type_status ON tasks (tenant_id, environment_id, task_type, entity_type, status);
CREATE INDEX IF NOT EXISTS idx_tasks_tenant_env_user ON tasks (tenant_id, environment_id, created_by, status);
CREATE INDEX IF NOT EXISTS idx_tasks_tenant_env_task_status ON tasks (tenant_id, environment_id, task_status, status);
