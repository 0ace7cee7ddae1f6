package dev.hyphenj.hcnn.npy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/** Reads a NumPy {@code .npz} archive: a zip of {@code NAME.npy} entries (stored or deflated). */
public final class Npz {
    private Npz() {}

    /** The arrays of an archive by name (the entry name without {@code .npy}), in archive order. */
    public static Map<String, NpyArray> read(Path file) throws IOException {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                String name = entry.getName();
                if (!name.endsWith(".npy")) {
                    throw new NpyFormatException(file.toString(), "entry '" + name + "' is not a .npy file");
                }
                byte[] bytes;
                try (var in = zip.getInputStream(entry)) {
                    bytes = in.readAllBytes();
                }
                arrays.put(name.substring(0, name.length() - 4), Npy.parse(bytes, file + ":" + name));
            }
        } catch (ZipException e) {
            throw new NpyFormatException(file.toString(), "not a valid .npz (zip) archive: " + e.getMessage());
        }
        return arrays;
    }
}
