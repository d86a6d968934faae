package dev.governor.engine.http;

import dev.governor.engine.config.ConfigException;
import dev.governor.engine.config.GovernorConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer token that every request which changes something must carry ({@code Authorization: Bearer TOKEN}).
 * It comes from the environment variable {@code GOVERNOR_API_TOKEN}, else from {@code api.token}; when neither is
 * set, a new random token (256 bits) is made at each start and written to {@code api.tokenFile}, readable and
 * writable by Governor's user only. The log names the file, never the token.
 *
 * <p>Tokens are compared in constant time: both sides are hashed with SHA-256 and the digests compared with
 * {@link MessageDigest#isEqual}, so neither the length nor the content of the expected token leaks through timing.
 */
public final class ApiToken {

    private static final Logger LOG = LoggerFactory.getLogger(ApiToken.class);

    /** The environment variable that wins over {@code api.token}. */
    public static final String ENVIRONMENT_VARIABLE = "GOVERNOR_API_TOKEN";

    private final byte[] digest;
    private final String origin;
    private final Path file;

    private ApiToken(String token, String origin, Path file) {
        this.digest = sha256(token);
        this.origin = origin;
        this.file = file;
    }

    /** The token for this configuration and environment; generates and writes one when none is set. */
    public static ApiToken resolve(GovernorConfig.Api api, Function<String, String> environment) {
        String fromEnvironment = environment.apply(ENVIRONMENT_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            if (fromEnvironment.strip().length() < 16) {
                throw new ConfigException(ENVIRONMENT_VARIABLE + " must be at least 16 characters (it guards every change), was "
                        + fromEnvironment.strip().length());
            }
            return new ApiToken(fromEnvironment.strip(), "the environment variable " + ENVIRONMENT_VARIABLE, null);
        }
        if (api.token() != null) {
            return new ApiToken(api.token(), "api.token", null);
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        write(api.tokenFile(), token);
        LOG.info("API token generated and written to {} (readable by this user only); send it as 'Authorization: Bearer ...'",
                api.tokenFile().toAbsolutePath());
        return new ApiToken(token, "generated into " + api.tokenFile(), api.tokenFile());
    }

    private static void write(Path file, String token) {
        Path target = file.toAbsolutePath();
        try {
            Files.createDirectories(target.getParent());
            Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
            Files.deleteIfExists(temporary);
            boolean posix = Files.getFileStore(target.getParent()).supportsFileAttributeView("posix");
            Set<PosixFilePermission> ownerOnly = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            if (posix) {
                Files.createFile(temporary, PosixFilePermissions.asFileAttribute(ownerOnly));
            } else {
                Files.createFile(temporary);
                LOG.warn("{} is on a file system without POSIX permissions: restrict who may read it yourself", target);
            }
            Files.writeString(temporary, token + "\n", StandardCharsets.UTF_8);
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            if (posix) {
                Files.setPosixFilePermissions(target, ownerOnly);
            }
        } catch (FileAlreadyExistsException e) {
            throw new ConfigException("api.tokenFile: cannot write " + target + ": " + e.getMessage() + " is in the way", e);
        } catch (IOException | UnsupportedOperationException e) {
            throw new ConfigException("api.tokenFile: cannot write the generated API token to " + target + ": " + e
                    + "; set api.tokenFile to a file Governor may write, or set " + ENVIRONMENT_VARIABLE + " or api.token", e);
        }
    }

    /** Whether an {@code Authorization} header carries this token, compared in constant time. */
    public boolean accepts(Optional<String> authorization) {
        if (authorization.isEmpty()) {
            return false;
        }
        String value = authorization.get().strip();
        if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(digest, sha256(value.substring(7).strip()));
    }

    /** Where the token comes from, for the log: never the token itself. */
    public String origin() {
        return origin;
    }

    /** The file a generated token was written to; empty when the token was configured. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "ApiToken[from " + origin + "]";
    }
}
