package io.loom.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the test services keep their files, and the lock that tells a live service directory from one left
 * behind by a JVM that died.
 *
 * <p>Every service instance gets its own directory {@code <base>/<kind>-<random>} holding an {@value #LOCK_FILE}
 * that is locked for as long as the instance object is open. A directory whose lock can be taken belongs to no
 * running JVM and is removed (after the caller has had a chance to stop a process still using it).
 */
final class ServiceDirectories {

    /** System property naming the base directory; the build points it at the module's {@code target/test-services}. */
    static final String WORKDIR_PROPERTY = "loom.test.workdir";

    private static final String LOCK_FILE = "instance.lock";
    private static final Logger LOG = LoggerFactory.getLogger(ServiceDirectories.class);

    private ServiceDirectories() {
    }

    /**
     * The base directory: the {@value #WORKDIR_PROPERTY} system property if set, else {@code target/test-services}
     * when the working directory has a {@code target} directory, else {@code loom-test-services} in the system
     * temporary directory.
     */
    static Path defaultBaseDirectory() {
        String configured = System.getProperty(WORKDIR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Paths.get(configured).toAbsolutePath().normalize();
        }
        Path target = Paths.get("target").toAbsolutePath();
        if (Files.isDirectory(target) && Files.isWritable(target)) {
            return target.resolve("test-services");
        }
        return Paths.get(System.getProperty("java.io.tmpdir"), "loom-test-services").toAbsolutePath();
    }

    /**
     * Creates a fresh, locked instance directory {@code <base>/<kind>-<random>}, first removing directories of
     * the same kind that no live JVM holds. {@code staleCleaner} is called on each such directory before it is
     * deleted, to stop whatever may still run from it.
     */
    static InstanceDirectory create(Path baseDirectory, String kind, Consumer<Path> staleCleaner) {
        try {
            Files.createDirectories(baseDirectory);
            removeStale(baseDirectory, kind, staleCleaner);
            Path directory = Files.createTempDirectory(baseDirectory, kind + "-");
            FileChannel channel = FileChannel.open(directory.resolve(LOCK_FILE),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            if (lock == null) {
                channel.close();
                throw new IllegalStateException("Could not lock the fresh directory " + directory);
            }
            return new InstanceDirectory(directory, channel);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a " + kind + " directory under " + baseDirectory, e);
        }
    }

    private static void removeStale(Path baseDirectory, String kind, Consumer<Path> staleCleaner) throws IOException {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(baseDirectory, kind + "-*")) {
            for (Path child : children) {
                if (Files.isDirectory(child) && isAbandoned(child)) {
                    LOG.info("Removing {} left behind by an earlier run", child);
                    try {
                        staleCleaner.accept(child);
                    } catch (RuntimeException e) {
                        LOG.warn("Could not stop what ran from {}: {}", child, e.toString());
                    }
                    deleteRecursively(child);
                }
            }
        }
    }

    private static boolean isAbandoned(Path directory) {
        Path lockFile = directory.resolve(LOCK_FILE);
        if (!Files.exists(lockFile)) {
            // Either being created right now by another JVM, or a leftover of a crash during creation.
            return isOlderThanAMinute(directory);
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return false;
            }
            lock.release();
            return true;
        } catch (OverlappingFileLockException e) {
            return false; // held by this JVM
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isOlderThanAMinute(Path directory) {
        try {
            long age = System.currentTimeMillis() - Files.getLastModifiedTime(directory).toMillis();
            return age > 60_000;
        } catch (IOException e) {
            return false;
        }
    }

    /** Deletes a directory tree; failures are logged, not thrown, since this only ever cleans up. */
    static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", directory, e.toString());
        }
    }

    /** A service instance's own directory, locked until {@link #delete()}. Not thread-safe; owners synchronise. */
    static final class InstanceDirectory {
        private final Path path;
        private final FileChannel lockChannel;

        private InstanceDirectory(Path path, FileChannel lockChannel) {
            this.path = path;
            this.lockChannel = lockChannel;
        }

        Path path() {
            return path;
        }

        /** Releases the lock and deletes the directory with everything in it. */
        void delete() {
            try {
                lockChannel.close();
            } catch (IOException e) {
                LOG.warn("Could not release the lock of {}: {}", path, e.toString());
            }
            deleteRecursively(path);
        }
    }
}
