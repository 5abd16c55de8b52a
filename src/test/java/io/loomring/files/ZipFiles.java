package io.loomring.files;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A zip file system (another provider's paths) for the provider-mismatch checks. */
final class ZipFiles {
    private ZipFiles() {}

    /** A new zip file at {@code file}, a built-in path, open as a file system holding {@code /inside}. */
    static FileSystem newZip(Path file) throws IOException {
        FileSystem zip = FileSystems.newFileSystem(file, Map.of("create", "true"));
        Files.writeString(zip.getPath("/inside"), "in the zip");
        return zip;
    }
}
