package dev.governor.engine.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Everything {@code governor.yaml} can say. Every key has a default, so the file may be absent.
 * Relative paths in the file are relative to the file's folder; relative paths given on the command
 * line are relative to the working directory.
 *
 * @param mode    {@code enforce} (default) or {@code dry-run}
 * @param rules   where the {@code *.drl} files are
 * @param routes  where the Camel {@code *.yaml} routes are
 * @param plugins where third-party plugin jars are, and each plugin's settings
 * @param audit   where the audit log goes
 * @param engine  the rules session
 * @param actions how actions are carried out
 * @param databases the PostgreSQL databases Governor samples and acts on, by the name rules use
 * @param envelope the safety envelope every action passes: bounds, cooldowns, budgets, breaker, silences
 * @param record   a JSON Lines file {@code governor run} appends every fact it receives to, for
 *                 {@code governor replay}; null (the default) records nothing
 * @param api      the HTTP API: health, facts, decisions, silences, rules, samples in, metrics
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GovernorConfig(
        Mode mode,
        Rules rules,
        Routes routes,
        Plugins plugins,
        Audit audit,
        Engine engine,
        Actions actions,
        Map<String, Database> databases,
        EnvelopeConfig envelope,
        Path record,
        Api api) {

    public GovernorConfig {
        mode = mode == null ? Mode.ENFORCE : mode;
        rules = rules == null ? new Rules(null, null) : rules;
        routes = routes == null ? new Routes(null) : routes;
        plugins = plugins == null ? new Plugins(null, null) : plugins;
        audit = audit == null ? new Audit(null) : audit;
        engine = engine == null ? new Engine(null, null) : engine;
        actions = actions == null ? new Actions(null, null) : actions;
        databases = databases == null ? Map.of() : Map.copyOf(new java.util.TreeMap<>(databases));
        envelope = envelope == null ? EnvelopeConfig.defaults() : envelope;
        api = api == null ? Api.defaults() : api;
        for (String name : databases.keySet()) {
            if (!DATABASE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("database name '" + name
                        + "' must be letters, digits, '_' or '-' (it is the DATABASE in targets such as DATABASE/SCHEMA.TABLE)");
            }
        }
    }

    private static final java.util.regex.Pattern DATABASE_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_\\-]*");

    /** The configuration with every default. */
    public static GovernorConfig defaults() {
        return new GovernorConfig(null, null, null, null, null, null, null, null, null, null, null);
    }

    /**
     * @param dir            the folder of {@code *.drl} files (and their {@code params.yaml}); default {@code rules}
     * @param params         overrides of the rules' params, by key ({@code pool.grow.step: 4}) or nested
     *                       ({@code pool: { grow: { step: 4 } }}); checked against {@code params.yaml} when the rules compile
     * @param reload         whether {@code governor run} reloads the rules when a file in the folder changes;
     *                       default true
     * @param reloadDebounce how long the rule files must stay unchanged before a reload, so that a burst of
     *                       writes leads to one reload; default 300ms
     */
    public record Rules(Path dir, Map<String, Object> params, Boolean reload, Duration reloadDebounce) {
        public Rules {
            dir = dir == null ? Path.of("rules") : dir;
            params = params == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
            reload = reload == null || reload;
            reloadDebounce = reloadDebounce == null ? Duration.ofMillis(300) : reloadDebounce;
            if (reloadDebounce.isNegative() || reloadDebounce.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("reloadDebounce must be between 0s and 1m, was " + Durations.format(reloadDebounce));
            }
        }

        /** A rules folder with every default. */
        public Rules(Path dir) {
            this(dir, null, null, null);
        }

        /** A rules folder with these param overrides. */
        public Rules(Path dir, Map<String, Object> params) {
            this(dir, params, null, null);
        }

        /** The same settings for another folder. */
        public Rules withDir(Path newDir) {
            return new Rules(newDir, params, reload, reloadDebounce);
        }
    }

    /** @param dir the folder of Camel YAML routes; default {@code routes} */
    public record Routes(Path dir) {
        public Routes {
            dir = dir == null ? Path.of("routes") : dir;
        }
    }

    /**
     * @param dir      the folder of third-party plugin jars (each jar, or each sub-folder of jars, gets
     *                 a class loader of its own); default {@code plugins}; a missing folder means none
     * @param settings each plugin's settings, by plugin name
     */
    public record Plugins(Path dir, Map<String, Map<String, Object>> settings) {
        public Plugins {
            dir = dir == null ? Path.of("plugins") : dir;
            settings = settings == null ? Map.of() : Map.copyOf(settings);
        }
    }

    /** @param file the append-only JSON Lines audit file; default {@code audit/audit.jsonl} */
    public record Audit(Path file) {
        public Audit {
            file = file == null ? Path.of("audit", "audit.jsonl") : file;
        }
    }

    /**
     * @param factRetention how long a fact stays in the session when no rule's window needs it longer; default 5m
     * @param queueCapacity facts waiting for the rules thread before a sender is refused; default 10000
     */
    public record Engine(Duration factRetention, Integer queueCapacity) {
        public Engine {
            factRetention = factRetention == null ? Duration.ofMinutes(5) : factRetention;
            queueCapacity = queueCapacity == null ? 10_000 : queueCapacity;
            if (factRetention.isNegative() || factRetention.isZero()) {
                throw new IllegalArgumentException("factRetention must be positive, was " + Durations.format(factRetention));
            }
            if (queueCapacity < 1) {
                throw new IllegalArgumentException("queueCapacity must be at least 1, was " + queueCapacity);
            }
        }
    }

    /**
     * @param timeout how long a plugin may take with one action before it is recorded as FAILED; default 30s
     * @param workers threads that carry actions out; default 4
     */
    public record Actions(Duration timeout, Integer workers) {
        public Actions {
            timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
            workers = workers == null ? 4 : workers;
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, was " + Durations.format(timeout));
            }
            if (workers < 1 || workers > 64) {
                throw new IllegalArgumentException("workers must be between 1 and 64, was " + workers);
            }
        }
    }

    /**
     * One PostgreSQL database that Governor connects to with a small connection of its own.
     *
     * @param url             the JDBC URL, e.g. {@code jdbc:postgresql://127.0.0.1:5432/postgres}; required
     * @param user            the role to connect as (needs {@code pg_monitor} to see every session); default: the driver's
     * @param password        the role's password; never logged (write {@code ${PGPASSWORD}} to keep it out of the file)
     * @param applicationName the {@code application_name} Governor's sessions show; default {@code governor}
     * @param connectTimeout  how long to wait for a connection; default 5s
     * @param queryTimeout    {@code statement_timeout} for sampling queries; default 10s
     * @param lockTimeout     {@code lock_timeout} for Governor's statements; default 1s
     */
    public record Database(String url, String user, String password, String applicationName, Duration connectTimeout,
                           Duration queryTimeout, Duration lockTimeout) {
        public Database {
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException("url is required, e.g. jdbc:postgresql://127.0.0.1:5432/postgres");
            }
            if (!url.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("url must start with jdbc:postgresql:, was '" + url + "'");
            }
            password = password == null || password.isEmpty() ? null : password;
            applicationName = applicationName == null || applicationName.isBlank() ? "governor" : applicationName;
            connectTimeout = positive(connectTimeout, Duration.ofSeconds(5), "connectTimeout");
            queryTimeout = positive(queryTimeout, Duration.ofSeconds(10), "queryTimeout");
            lockTimeout = positive(lockTimeout, Duration.ofSeconds(1), "lockTimeout");
        }

        /** A database with every default but its URL. */
        public static Database at(String url, String user) {
            return new Database(url, user, null, null, null, null, null);
        }

        private static Duration positive(Duration value, Duration fallback, String name) {
            Duration d = value == null ? fallback : value;
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + Durations.format(d));
            }
            return d;
        }

        /** This database as plugins receive it, under its name. */
        public dev.governor.spi.Database forPlugins(String name) {
            return new dev.governor.spi.Database(name, url, user, password, applicationName, connectTimeout, queryTimeout,
                    lockTimeout);
        }

        /** Never shows the password. */
        @Override
        public String toString() {
            return "Database[url=" + url + ", user=" + user + ", password=" + (password == null ? "none" : "***")
                    + ", applicationName=" + applicationName + "]";
        }
    }

    /**
     * The HTTP API ({@code docs/api.md}). {@code governor run} serves it unless {@code enabled: false}; a Governor
     * embedded in an application ({@code Governor.start}) opens no port unless {@code enabled: true} is set, since
     * the application owns its ports.
     *
     * @param enabled      true or false; null (not set) lets the caller decide: on for {@code governor run}, off
     *                     for an embedded Governor
     * @param bind         the address to listen on; default {@code 127.0.0.1} (this machine only)
     * @param port         the TCP port; default 8787; 0 picks a free one (tests)
     * @param token        the bearer token every request that changes something must carry; the environment
     *                     variable {@code GOVERNOR_API_TOKEN} wins over it. When neither is set, Governor makes one
     *                     at each start and writes it to {@code tokenFile}
     * @param tokenFile    where a generated token is written, readable by Governor's user only; default
     *                     {@code state/api-token}
     * @param maxBodyBytes the largest request body accepted (larger: 413); default 1 MiB
     * @param tls          HTTPS instead of HTTP; null (the default) for plain HTTP
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Api(Boolean enabled, String bind, Integer port, String token, Path tokenFile, Long maxBodyBytes, Tls tls) {

        public static final int DEFAULT_PORT = 8787;
        public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

        public Api {
            bind = bind == null || bind.isBlank() ? "127.0.0.1" : bind.trim();
            port = port == null ? DEFAULT_PORT : port;
            token = token == null || token.isEmpty() ? null : token;
            tokenFile = tokenFile == null ? Path.of("state", "api-token") : tokenFile;
            maxBodyBytes = maxBodyBytes == null ? DEFAULT_MAX_BODY_BYTES : maxBodyBytes;
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
            }
            if (maxBodyBytes < 1024 || maxBodyBytes > 256L * 1024 * 1024) {
                throw new IllegalArgumentException("maxBodyBytes must be between 1024 and 268435456 (256 MiB), was " + maxBodyBytes);
            }
            if (token != null && token.length() < 16) {
                throw new IllegalArgumentException("token must be at least 16 characters (it guards every change), was "
                        + token.length());
            }
        }

        /** Every default; {@code enabled} not set. */
        public static Api defaults() {
            return new Api(null, null, null, null, null, null, null);
        }

        /** Whether the API runs: {@code enabled}, or {@code whenNotSet} when the configuration does not say. */
        public boolean enabledOr(boolean whenNotSet) {
            return enabled == null ? whenNotSet : enabled;
        }

        public Api withEnabled(Boolean newEnabled) {
            return new Api(newEnabled, bind, port, token, tokenFile, maxBodyBytes, tls);
        }

        public Api withBind(String newBind) {
            return new Api(enabled, newBind, port, token, tokenFile, maxBodyBytes, tls);
        }

        public Api withPort(int newPort) {
            return new Api(enabled, bind, newPort, token, tokenFile, maxBodyBytes, tls);
        }

        public Api withToken(String newToken) {
            return new Api(enabled, bind, port, newToken, tokenFile, maxBodyBytes, tls);
        }

        public Api withTokenFile(Path newTokenFile) {
            return new Api(enabled, bind, port, token, newTokenFile, maxBodyBytes, tls);
        }

        Api resolvedAgainst(Path base) {
            return new Api(enabled, bind, port, token, base.resolve(tokenFile), maxBodyBytes,
                    tls == null ? null : tls.resolvedAgainst(base));
        }

        /** Never shows the token. */
        @Override
        public String toString() {
            return "Api[enabled=" + enabled + ", bind=" + bind + ", port=" + port + ", token=" + (token == null ? "none" : "***")
                    + ", tokenFile=" + tokenFile + ", maxBodyBytes=" + maxBodyBytes + ", tls=" + tls + "]";
        }
    }

    /**
     * HTTPS for the API, from a key store holding the server's key and certificate.
     *
     * @param keyStore         a PKCS12 (or JKS) file; required
     * @param keyStorePassword its password (write {@code ${GOVERNOR_TLS_PASSWORD}} to keep it out of the file)
     * @param keyPassword      the key's password; default: the key store's
     * @param keyStoreType     {@code PKCS12} (default) or {@code JKS}
     */
    public record Tls(Path keyStore, String keyStorePassword, String keyPassword, String keyStoreType) {
        public Tls {
            if (keyStore == null) {
                throw new IllegalArgumentException("keyStore is required: a PKCS12 file with the server's key and certificate");
            }
            keyStoreType = keyStoreType == null || keyStoreType.isBlank() ? "PKCS12" : keyStoreType;
        }

        Tls resolvedAgainst(Path base) {
            return new Tls(base.resolve(keyStore), keyStorePassword, keyPassword, keyStoreType);
        }

        /** Never shows the passwords. */
        @Override
        public String toString() {
            return "Tls[keyStore=" + keyStore + ", keyStoreType=" + keyStoreType + ", passwords=***]";
        }
    }

    /** The same configuration with these API settings. */
    public GovernorConfig withApi(Api newApi) {
        return new GovernorConfig(mode, rules, routes, plugins, audit, engine, actions, databases, envelope, record,
                Objects.requireNonNull(newApi));
    }

    /** The configured databases as plugins receive them ({@link dev.governor.spi.PluginContext#databases()}). */
    public Map<String, dev.governor.spi.Database> databasesForPlugins() {
        Map<String, dev.governor.spi.Database> out = new java.util.TreeMap<>();
        databases.forEach((name, database) -> out.put(name, database.forPlugins(name)));
        return out;
    }

    public GovernorConfig withMode(Mode newMode) {
        return new GovernorConfig(Objects.requireNonNull(newMode), rules, routes, plugins, audit, engine, actions, databases, envelope, record, api);
    }

    public GovernorConfig withRulesDir(Path dir) {
        return new GovernorConfig(mode, rules.withDir(dir), routes, plugins, audit, engine, actions, databases, envelope, record, api);
    }

    /** The same configuration with these rules settings. */
    public GovernorConfig withRules(Rules newRules) {
        return new GovernorConfig(mode, Objects.requireNonNull(newRules), routes, plugins, audit, engine, actions, databases, envelope, record, api);
    }

    public GovernorConfig withRoutesDir(Path dir) {
        return new GovernorConfig(mode, rules, new Routes(dir), plugins, audit, engine, actions, databases, envelope, record, api);
    }

    public GovernorConfig withPluginsDir(Path dir) {
        return new GovernorConfig(mode, rules, routes, new Plugins(dir, plugins.settings()), audit, engine, actions, databases, envelope, record, api);
    }

    public GovernorConfig withEnvelope(EnvelopeConfig newEnvelope) {
        return new GovernorConfig(mode, rules, routes, plugins, audit, engine, actions, databases, Objects.requireNonNull(newEnvelope), record, api);
    }

    /** The same configuration with these databases. */
    public GovernorConfig withDatabases(Map<String, Database> newDatabases) {
        return new GovernorConfig(mode, rules, routes, plugins, audit, engine, actions, newDatabases, envelope, record, api);
    }

    /** The same configuration recording every fact to {@code file} (null: recording nothing). */
    public GovernorConfig withRecordFile(Path file) {
        return new GovernorConfig(mode, rules, routes, plugins, audit, engine, actions, databases, envelope, file, api);
    }

    public GovernorConfig withAuditFile(Path file) {
        return new GovernorConfig(mode, rules, routes, plugins, new Audit(file), engine, actions, databases, envelope, record, api);
    }

    /** Resolves every relative path against {@code base}. */
    public GovernorConfig resolvedAgainst(Path base) {
        return new GovernorConfig(mode,
                rules.withDir(base.resolve(rules.dir())),
                new Routes(base.resolve(routes.dir())),
                new Plugins(base.resolve(plugins.dir()), plugins.settings()),
                new Audit(base.resolve(audit.file())),
                engine, actions, databases, envelope.withState(base.resolve(envelope.state())),
                record == null ? null : base.resolve(record), api.resolvedAgainst(base));
    }
}
