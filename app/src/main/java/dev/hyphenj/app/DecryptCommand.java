package dev.hyphenj.app;

import dev.hyphenj.ckks.Ciphertext;
import dev.hyphenj.ckks.Parameters;
import dev.hyphenj.ckks.SecretKey;
import dev.hyphenj.hcnn.model.SimulatedResNet20;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hyphen decrypt --profile P --keys DIR --in FILE [--json FILE]}: the client decrypts the server's logits
 * ciphertext with its secret key and prints the 10 logits and the class ({@code --json}: {@code logits},
 * {@code class}).
 */
@Command(name = "decrypt", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Client: decrypt the logits ciphertext of infer with the secret key; print the logits and the "
                + "class.")
final class DecryptCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--profile", paramLabel = "NAME|FILE", defaultValue = "resnet20-cifar10",
            description = "the profile the keys were made for (default: ${DEFAULT-VALUE})")
    String profile;

    @Option(names = "--keys", paramLabel = "DIR", required = true, description = "the key directory of keygen")
    Path keys;

    @Option(names = "--in", paramLabel = "FILE", required = true, description = "the logits ciphertext of infer")
    Path in;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the logits and the class as JSON")
    Path json;

    @Override
    public Integer call() throws Exception {
        Parameters params = ClientServer.checkedProfile(profile, "decrypt");
        double[] logits;
        try (SecretKey sk = ClientServer.loadSecretKey(keys, params)) {
            List<Ciphertext> cts = ClientServer.readCiphertexts(in, params);
            try {
                ClientServer.requireShape(in, cts, 1, cts.getFirst().level(), params.slots(), "a logits ciphertext");
                logits = ClientServer.head(profile, params).decode(ClientServer.decrypt(params, sk, cts.getFirst()));
            } finally {
                cts.forEach(Ciphertext::close);
            }
        }
        int cls = SimulatedResNet20.argmax(logits);
        PrintWriter o = spec.commandLine().getOut();
        StringBuilder s = new StringBuilder();
        List<Object> list = new ArrayList<>();
        for (double x : logits) {
            s.append(s.isEmpty() ? "" : " ").append(String.format("%.4f", x));
            list.add(Double.isFinite(x) ? x : null);
        }
        o.println("logits: " + s);
        o.println("class: " + cls);
        o.flush();
        if (json != null) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("command", "decrypt");
            doc.put("logits", list);
            doc.put("class", cls);
            ClientServer.writeJson(json, doc);
        }
        return 0;
    }
}
