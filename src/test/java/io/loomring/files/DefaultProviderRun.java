package io.loomring.files;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The child of {@link DefaultProviderTest}, run with the Loomring provider as the default one:
 * checks that the JDK took it, that the paths everyone makes are its, and that ordinary file code
 * works and opens its files through it; prints {@link #FIRST_OPEN} just before the first open (the
 * test checks the scheduler's classes load after it) and {@code OK ...} at the end. Any failure
 * is an exception out of main: exit status 1. It names no scheduler class itself.
 */
public final class DefaultProviderRun {
    static final String FIRST_OPEN = "DefaultProviderRun: first open next";

    private DefaultProviderRun() {}

    public static void main(String[] args) throws Exception {
        FileSystem fs = FileSystems.getDefault();
        if (!(fs.provider() instanceof LoomringFileSystemProvider provider)) {
            throw new AssertionError("the default provider is " + fs.provider());
        }
        Path dir = Path.of(args[0]);
        check(dir.getFileSystem() == fs && Paths.get(args[0]).getFileSystem() == fs, "Path.of names another file system");
        check(provider.loomringOpens() == 0 && provider.builtInOpens() == 0, "files opened before main");

        System.out.println(FIRST_OPEN);
        System.out.flush();
        Path file = Files.writeString(dir.resolve("hello.txt"), "hello\nworld\n");
        check(file.getFileSystem() == fs, "Files.writeString returned " + file.getFileSystem());
        String read = Files.readString(file);
        check(read.equals("hello\nworld\n"), "read back " + read);
        checkOpens(provider, 2);

        try (FileChannel ch = FileChannel.open(dir.resolve("channel.bin"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            ch.write(ByteBuffer.wrap("via FileChannel".getBytes(UTF_8)));
            ByteBuffer back = ByteBuffer.allocate(32);
            ch.read(back, 4);
            check(new String(back.array(), 0, back.position(), UTF_8).equals("FileChannel"), "channel read");
        }
        checkOpens(provider, 3);

        File asFile = new File(dir.toString(), "hello.txt");
        Path fromFile = asFile.toPath();
        check(fromFile.getFileSystem() == fs && fromFile.equals(file), "File.toPath() gave " + fromFile);
        check(file.toFile().equals(asFile), "toFile() gave " + file.toFile());
        check(Path.of(file.toUri()).equals(file), "Path.of(uri) gave " + Path.of(file.toUri()));

        try (Stream<String> lines = Files.lines(file)) {
            check(lines.toList().equals(List.of("hello", "world")), "Files.lines");
        }
        try (BufferedReader r = Files.newBufferedReader(file)) {
            check(r.readLine().equals("hello"), "newBufferedReader");
        }
        try (Stream<Path> list = Files.list(dir)) {
            List<String> names = list.peek(p -> check(p.getFileSystem() == fs, "listed " + p))
                    .map(p -> p.getFileName().toString()).sorted().toList();
            check(names.equals(List.of("channel.bin", "hello.txt")), "listed " + names);
        }
        List<Path> texts = new ArrayList<>();
        try (DirectoryStream<Path> glob = Files.newDirectoryStream(dir, "*.txt")) {
            glob.forEach(texts::add);
        }
        check(texts.equals(List.of(file)), "glob gave " + texts);
        checkOpens(provider, 5);
        // The JDK's own file reads come here too: the temporary name's SecureRandom loads java.security.
        Path temp = Files.createTempFile("loomring", ".tmp");
        check(temp.getFileSystem() == fs, "createTempFile");
        Files.delete(temp);
        check(provider.loomringOpens() >= 6, "createTempFile did not come to the provider");

        // builtInOpens: files the shared scheduler's startup opened while the first open started it.
        System.out.println("OK loomringOpens=" + provider.loomringOpens() + " builtInOpens=" + provider.builtInOpens());
    }

    private static void checkOpens(LoomringFileSystemProvider provider, long expected) {
        check(provider.loomringOpens() == expected, provider.loomringOpens() + " opens through the provider, not " + expected);
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }
}
