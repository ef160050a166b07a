package org.eventscheduler.mirror;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The mirror's database: a HikariCP pool that starts without a connection (the database may be down
 * when the application starts), Flyway migrations from {@code db/migration}, and Jdbi over the pool.
 */
public final class MirrorDatabase implements AutoCloseable {
    private final HikariDataSource pool;
    private final Jdbi jdbi;
    private volatile boolean migrated;

    public MirrorDatabase(MirrorSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("scheduler-mirror");
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.username());
        config.setPassword(settings.password().value());
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(0);
        config.setConnectionTimeout(settings.connectTimeout().toMillis());
        config.setValidationTimeout(Math.min(settings.connectTimeout().toMillis(), 5_000));
        // start with no connection: a database that is down must not stop the application
        config.setInitializationFailTimeout(-1);
        config.addDataSourceProperty("connectTimeout", Math.max(1, settings.connectTimeout().toSeconds()));
        config.addDataSourceProperty("socketTimeout", 60);
        config.addDataSourceProperty("ApplicationName", "event-scheduler-mirror");
        this.pool = new HikariDataSource(config);
        this.jdbi = Jdbi.create(pool);
    }

    /** Applies pending migrations once; throws while the database cannot be reached. */
    public void migrate() {
        if (migrated) {
            return;
        }
        Flyway.configure()
                .dataSource(pool)
                .locations("classpath:db/migration")
                .load()
                .migrate();
        migrated = true;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    @Override
    public void close() {
        pool.close();
    }
}
