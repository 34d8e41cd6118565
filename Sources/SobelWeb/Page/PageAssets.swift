/// The page's HTML, script and style: no CDN, no outside fonts, usable on a phone.
enum PageAssets {
    /// The document's start, shared by the upload page and the sign-in page.
    private static let head = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>sobel — edge detection</title>
        <link rel="stylesheet" href="/app.css">
        </head>

        """#

    /// The upload page.
    /// - Parameter canSignOut: Whether to show "Sign out" (a server with an API token).
    /// - Returns: The HTML.
    static func page(canSignOut: Bool) -> String {
        let signOut =
            canSignOut ? #"<form id="signout" method="post" action="/signout"><button class="quiet" type="submit">Sign out</button></form>"# : ""
        return head + #"""
            <body>
            <main>
            <header><h1>Edge detection</h1>\#(signOut)</header>
            <form id="job" method="post" action="/api/v1/jobs?wait=true" enctype="multipart/form-data">
              <label id="drop" class="drop" for="image">
                <span id="drop-text">Choose an image or drop it here (PNG, JPEG, PGM or PPM)</span>
                <input id="image" name="image" type="file" accept="image/png,image/jpeg,image/x-portable-anymap,.pgm,.ppm,.pnm" required>
              </label>
              <p id="chosen" class="muted"></p>
              <fieldset>
                <legend>Options</legend>
                <label>Magnitude
                  <select name="magnitude"><option value="l2" selected>L2 (exact Euclidean)</option><option value="l1">L1 (|gx|+|gy|)</option><option value="classic">classic</option></select>
                </label>
                <label>Border
                  <select name="border"><option value="reflect101" selected>reflect 101</option><option value="replicate">replicate</option><option value="constant">constant 0</option></select>
                </label>
                <label>Blur first
                  <select name="blur"><option value="0" selected>none</option><option value="3">3×3</option><option value="5">5×5</option></select>
                </label>
                <label>Contrast
                  <select name="contrast"><option value="none" selected>as computed</option><option value="normalize">stretched to 0–255</option><option value="equalize">equalised histogram</option></select>
                </label>
                <label>Threshold (0–255 or otsu, empty for none)
                  <input name="threshold" type="text" list="threshold-levels" pattern="[Oo][Tt][Ss][Uu]|[0-9]{1,3}" placeholder="e.g. 80, or otsu" autocomplete="off">
                  <datalist id="threshold-levels"><option value="otsu">Otsu: chosen from the whole image</option><option value="40"><option value="80"></datalist>
                </label>
                <label>Output
                  <select name="format"><option value="png" selected>PNG</option><option value="jpeg">JPEG</option><option value="pgm">PGM</option></select>
                </label>
              </fieldset>
              <button id="submit" type="submit">Find edges</button>
            </form>
            <section id="progress" hidden>
              <progress id="bar" max="1" value="0"></progress>
              <p id="stage"></p>
            </section>
            <p id="error" class="error" role="alert" hidden></p>
            <section id="result" class="pair" hidden>
              <figure><img id="original" alt="the original image"><figcaption>Original</figcaption></figure>
              <figure><img id="edges" alt="the edges found"><figcaption>Edges <a id="download" download>Download</a></figcaption></figure>
              <p id="timings" class="muted"></p>
            </section>
            </main>
            <script src="/app.js"></script>
            </body>
            </html>
            """#
    }

    /// The sign-in page of a server started with an API token.
    /// - Parameter problem: Why the last attempt failed (a fixed sentence, never the user's input), or `nil`.
    /// - Returns: The HTML.
    static func signIn(problem: String?) -> String {
        let problem = problem.map { #"<p id="signin-error" class="error" role="alert">\#($0)</p>"# } ?? ""
        return head + #"""
            <body>
            <main>
            <header><h1>Edge detection</h1></header>
            <form id="signin" class="signin" method="post" action="/signin">
              <p>This server is private. Sign in with the access token that its operator gave you (the value of <code>SOBEL_API_TOKEN</code>).</p>
              <label>Access token
                <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
              </label>
              \#(problem)
              <button id="signin-submit" type="submit">Sign in</button>
              <p class="muted">The browser keeps you signed in until it closes, for 12 hours at most.</p>
            </form>
            </main>
            </body>
            </html>
            """#
    }

    static let style = #"""
        body { font: 16px/1.4 system-ui, sans-serif; margin: 0; color: #1b1b1b; background: #fafafa; }
        main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
        .drop { display: block; border: 2px dashed #888; border-radius: .5rem; padding: 1.5rem; text-align: center; cursor: pointer; }
        .drop.over { border-color: #0a6; background: #efe; }
        .drop input { display: block; margin: .75rem auto 0; max-width: 100%; }
        fieldset { border: 1px solid #ccc; border-radius: .5rem; margin: 1rem 0; display: grid; gap: .75rem; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); }
        label { display: grid; gap: .25rem; }
        select, input, button { font: inherit; padding: .4rem; }
        button { background: #0a6; color: white; border: 0; border-radius: .4rem; padding: .6rem 1.4rem; cursor: pointer; }
        button:disabled { background: #999; }
        header { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: .5rem; }
        button.quiet { background: none; color: #0a6; border: 1px solid #0a6; padding: .3rem .8rem; }
        progress { width: 100%; height: 1rem; }
        #stage { margin: .25rem 0; }
        .signin { max-width: 28rem; display: grid; gap: .75rem; }
        code { background: #eee; padding: 0 .2rem; border-radius: .2rem; }
        [hidden] { display: none !important; }  /* a class's display (e.g. .pair's grid) must not show a hidden element */
        .pair { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); margin-top: 1rem; }
        .pair #timings { grid-column: 1 / -1; margin: 0; }
        figure { margin: 0; } img { max-width: 100%; height: auto; background: #ddd; }
        .muted { color: #555; } .error { color: #b00; font-weight: 600; }
        """#

    static let script = #"""
        "use strict";
        const form = document.getElementById("job"), input = document.getElementById("image"), drop = document.getElementById("drop");
        const show = (id, on) => { document.getElementById(id).hidden = !on; };
        const text = (id, value) => { document.getElementById(id).textContent = value; };
        let chosen = null;

        function choose(file) {
          chosen = file;
          const url = URL.createObjectURL(file), original = document.getElementById("original");
          original.onload = () => text("chosen", `${file.name}: ${original.naturalWidth} × ${original.naturalHeight}, ${(file.size / 1048576).toFixed(2)} MiB`);
          original.onerror = () => text("chosen", `${file.name}: ${(file.size / 1048576).toFixed(2)} MiB (no preview in this browser)`);
          original.src = url;
          show("result", true); show("error", false);
          document.getElementById("edges").removeAttribute("src");
        }
        input.addEventListener("change", () => { if (input.files[0]) choose(input.files[0]); });
        ["dragenter", "dragover"].forEach(name => drop.addEventListener(name, event => { event.preventDefault(); drop.classList.add("over"); }));
        ["dragleave", "drop"].forEach(name => drop.addEventListener(name, () => drop.classList.remove("over")));
        drop.addEventListener("drop", event => {
          event.preventDefault();
          const file = event.dataTransfer.files[0];
          if (file) { input.files = event.dataTransfer.files; choose(file); }
        });

        function fail(message) {
          text("error", message); show("error", true); show("progress", false);
          document.getElementById("submit").disabled = false;
        }

        async function errorOf(response) {
          if (response.status === 401) return "Your sign-in has ended: reload the page and sign in again.";
          try { return (await response.json()).message; } catch { return `the server answered ${response.status}`; }
        }

        const bar = document.getElementById("bar");
        function progress(stage, done, total) {
          text("stage", stage);
          if (total > 0) { bar.max = total; bar.value = done; } else { bar.removeAttribute("value"); }
        }

        // Durations for people: "840 ms", "1.3 s", "2 min 5 s".
        function duration(milliseconds) {
          if (milliseconds < 1000) return `${Math.round(milliseconds)} ms`;
          if (milliseconds < 60000) return `${(milliseconds / 1000).toFixed(1)} s`;
          return `${Math.floor(milliseconds / 60000)} min ${Math.round((milliseconds % 60000) / 1000)} s`;
        }

        // What the server did, in the order it did it.
        function timingsInWords(t, format, tiles) {
          const steps = [
            `reading the image took ${duration(t.decode)}`,
            `handing its ${tiles} tile${tiles === 1 ? "" : "s"} to the workers ${duration(t.publish)} (while reading)`,
            `the workers spent ${duration(t.compute)} finding edges`,
            `putting the tiles together took ${duration(t.assemble)}`,
            `writing the ${format.toUpperCase()} ${duration(t.encode)}`,
          ];
          return `Done in ${duration(t.total)}: ${steps.join("; ")}.`;
        }

        // The result's values, from the status: how much edge there is, without reading the image.
        function statisticsInWords(s) {
          if (!s) return "";
          const otsu = s.otsu_threshold === undefined || s.otsu_threshold === null ? "" : `; Otsu's threshold was ${s.otsu_threshold}`;
          return ` Edge values from ${s.min} to ${s.max}, mean ${s.mean.toFixed(1)}${otsu}.`;
        }

        // The upload goes through XMLHttpRequest, the one browser API that reports how much of a body has been sent.
        function upload(url, file) {
          return new Promise(resolve => {
            const request = new XMLHttpRequest();
            request.open("POST", url);
            request.setRequestHeader("Content-Type", file.type || "application/octet-stream");
            request.upload.onprogress = event => {
              if (!event.lengthComputable) return;
              const mib = bytes => (bytes / 1048576).toFixed(1);
              progress(`Uploading: ${mib(event.loaded)} of ${mib(event.total)} MiB`, event.loaded, event.total);
            };
            request.onload = () => resolve(new Response(request.response, { status: request.status }));
            request.onerror = () => resolve(null);
            request.send(file);
          });
        }

        // A running job's status in words: what the server is doing now, and how far it is.
        function stageOf(status) {
          if (status.status === "queued") return "Reading the image and handing its tiles to the workers…";
          if (status.tiles_done < status.tiles_total) return `Finding edges: ${status.tiles_done} of ${status.tiles_total} tiles done`;
          return "Putting the tiles together and writing the result…";
        }

        form.addEventListener("submit", async event => {
          event.preventDefault();
          if (!chosen) return fail("Choose an image first.");
          const query = new URLSearchParams();
          for (const [name, value] of new FormData(form)) if (name !== "image" && value !== "") query.set(name, value);
          document.getElementById("submit").disabled = true;
          show("error", false); show("progress", true); text("timings", "");
          progress("Uploading…", 0, 0);
          const created = await upload(`/api/v1/jobs?${query}`, chosen);
          if (!created) return fail("The upload failed: is the server running?");
          if (created.status !== 202) return fail(await errorOf(created));
          const job = await created.json();
          progress("Reading the image…", 0, 0);
          for (;;) {
            await new Promise(resolve => setTimeout(resolve, 250));
            const response = await fetch(job.status_url).catch(() => null);
            if (!response || !response.ok) return fail(response ? await errorOf(response) : "Lost the server: is it still running?");
            const status = await response.json();
            if (status.status === "failed") return fail(`The job failed: ${status.error}`);
            if (status.status !== "done") { progress(stageOf(status), status.tiles_done, status.tiles_total); continue; }
            progress("Downloading the edges…", status.tiles_total, status.tiles_total);
            const result = await fetch(job.result_url);
            if (!result.ok) return fail(await errorOf(result));
            const url = URL.createObjectURL(await result.blob());
            document.getElementById("edges").src = url;
            const download = document.getElementById("download"), format = query.get("format") || "png";
            download.href = url;
            download.download = `${chosen.name.replace(/\.[^.]*$/, "")}-edges.${format}`;
            text("timings", timingsInWords(status.timings, format, status.tiles_total) + statisticsInWords(status.statistics));
            show("result", true); show("progress", false);
            document.getElementById("submit").disabled = false;
            return;
          }
        });
        """#
}
