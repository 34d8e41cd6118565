/// The page's HTML, script and style: no CDN, no outside fonts, usable on a phone.
enum PageAssets {
    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>sobel — edge detection</title>
        <link rel="stylesheet" href="/app.css">
        <script src="/app.js" defer></script>
        </head>
        <body>
        <main>
        <h1>Edge detection</h1>
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
            <label>Threshold (0–255, empty for none)
              <input name="threshold" type="number" min="0" max="255" inputmode="numeric">
            </label>
            <label>Output
              <select name="format"><option value="png" selected>PNG</option><option value="jpeg">JPEG</option><option value="pgm">PGM</option></select>
            </label>
          </fieldset>
          <button id="submit" type="submit">Find edges</button>
        </form>
        <section id="progress" hidden>
          <progress id="bar" max="1" value="0"></progress> <span id="progress-text"></span>
        </section>
        <p id="error" class="error" role="alert" hidden></p>
        <section id="result" class="pair" hidden>
          <figure><img id="original" alt="the original image"><figcaption>Original</figcaption></figure>
          <figure><img id="edges" alt="the edges found"><figcaption>Edges <a id="download" download>Download</a></figcaption></figure>
          <p id="timings" class="muted"></p>
        </section>
        </main>
        </body>
        </html>
        """#

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
        progress { width: 70%; }
        [hidden] { display: none !important; }  /* a class's display (e.g. .pair's grid) must not show a hidden element */
        .pair { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); margin-top: 1rem; }
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
          try { return (await response.json()).message; } catch { return `the server answered ${response.status}`; }
        }

        form.addEventListener("submit", async event => {
          event.preventDefault();
          if (!chosen) return fail("Choose an image first.");
          const query = new URLSearchParams();
          for (const [name, value] of new FormData(form)) if (name !== "image" && value !== "") query.set(name, value);
          document.getElementById("submit").disabled = true;
          show("error", false); show("progress", true);
          text("progress-text", "uploading…");
          const created = await fetch(`/api/v1/jobs?${query}`, { method: "POST", body: chosen,
            headers: { "Content-Type": chosen.type || "application/octet-stream" } }).catch(() => null);
          if (!created) return fail("The upload failed: is the server running?");
          if (created.status !== 202) return fail(await errorOf(created));
          const job = await created.json();
          const bar = document.getElementById("bar");
          for (;;) {
            await new Promise(resolve => setTimeout(resolve, 250));
            const response = await fetch(job.status_url).catch(() => null);
            if (!response || !response.ok) return fail(response ? await errorOf(response) : "Lost the server.");
            const status = await response.json();
            bar.max = Math.max(1, status.tiles_total); bar.value = status.tiles_done;
            text("progress-text", `${status.status}: ${status.tiles_done} of ${status.tiles_total} tiles`);
            if (status.status === "failed") return fail(`The job failed: ${status.error}`);
            if (status.status === "done") {
              const result = await fetch(job.result_url);
              if (!result.ok) return fail(await errorOf(result));
              const url = URL.createObjectURL(await result.blob());
              document.getElementById("edges").src = url;
              const download = document.getElementById("download");
              download.href = url;
              download.download = `${chosen.name.replace(/\.[^.]*$/, "")}-edges.${query.get("format") || "png"}`;
              const t = status.timings;
              text("timings", `total ${t.total.toFixed(0)} ms: decode ${t.decode.toFixed(0)}, publish ${t.publish.toFixed(0)}, ` +
                `compute ${t.compute.toFixed(0)} (all workers), assemble ${t.assemble.toFixed(0)}, encode ${t.encode.toFixed(0)} ms`);
              show("result", true); show("progress", false);
              document.getElementById("submit").disabled = false;
              return;
            }
          }
        });
        """#
}
