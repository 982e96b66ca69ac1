//! The asset figures of `figures`: the thumbnail of a 12-megapixel JPEG
//! (target ≤ 60 ms; the `image` crate alone, decoding whole, for comparison),
//! a batch of 100 on every core (CPU time / wall time), and the SVG
//! sanitiser on a 2 MB infographic (target ≤ 50 ms).

use std::io::Cursor;
use std::path::Path;
use std::time::{Duration, Instant};

use valise_core::assets::{svg, thumbs, Format};

use super::{ms, Rng, Sample};

/// A 4000 × 3000 photo-like JPEG (gradients, shapes and noise, quality 85),
/// made once into target/bench/.
fn photo(dir: &Path) -> Vec<u8> {
    let path = dir.join("photo-12mp.jpg");
    if let Ok(bytes) = std::fs::read(&path) {
        return bytes;
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let img = image::RgbImage::from_fn(4000, 3000, |x, y| {
        let n = (rng.next() % 24) as u8;
        let sky = (y * 255 / 3000) as u8;
        let hill = if (x as f32 / 300.0).sin() * 300.0 + 1800.0 < y as f32 {
            90
        } else {
            0
        };
        image::Rgb([
            sky / 2 + n,
            120u8.saturating_sub(hill) + n,
            (255 - sky) / 2 + hill + n,
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img)
        .unwrap();
    std::fs::write(&path, &out).unwrap();
    out
}

/// A 2 MB infographic: groups of paths, labels, gradients, a style sheet, and
/// a few hostile parts for the sanitiser to take out.
fn infographic() -> String {
    let mut rng = Rng(42);
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" \
         xmlns:xlink=\"http://www.w3.org/1999/xlink\" viewBox=\"0 0 2000 1400\" width=\"2000\" height=\"1400\">\n\
         <defs><linearGradient id=\"g\"><stop offset=\"0\" stop-color=\"#036\"/><stop offset=\"1\" stop-color=\"#39c\"/></linearGradient></defs>\n\
         <style>.road { stroke: #c33; fill: none } .label { font: 12px sans-serif }</style>\n",
    );
    let mut i = 0;
    while s.len() < 2_000_000 {
        i += 1;
        s.push_str(&format!(
            "<g id=\"region-{i}\" class=\"region\" transform=\"translate({} {})\">",
            rng.below(2000),
            rng.below(1400)
        ));
        let mut d = format!("M{} {}", rng.below(100), rng.below(100));
        for _ in 0..20 {
            d.push_str(&format!(
                " L{}.{} {}.{}",
                rng.below(200),
                rng.below(10),
                rng.below(200),
                rng.below(10)
            ));
        }
        s.push_str(&format!(
            "<path class=\"road\" d=\"{d}\" fill=\"url(#g)\"/>"
        ));
        s.push_str(&format!(
            "<text class=\"label\" x=\"5\" y=\"5\">Région n° {i} &amp; réseau</text>"
        ));
        if i % 500 == 0 {
            s.push_str(
                "<script>alert(1)</script><use xlink:href=\"https://exemple.org/x.svg#a\"/>",
            );
        }
        s.push_str("<use xlink:href=\"#g\"/></g>\n");
    }
    s.push_str("</svg>\n");
    s
}

/// User + system CPU time of this process so far (Linux `/proc`).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command's closing parenthesis; utime and stime are 14 and 15.
    let after = stat.rsplit_once(')').map(|(_, a)| a).unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: u64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0)
        + f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0);
    // The kernel's USER_HZ is 100 on every Linux this runs on.
    Duration::from_millis(ticks * 10)
}

pub fn assets(dir: &Path) {
    let jpeg = photo(dir);
    println!("\n== assets: thumbnails and the SVG sanitiser");
    println!(
        "12-megapixel JPEG: 4000 × 3000, {:.1} MB",
        jpeg.len() as f64 / 1e6
    );
    let s = Sample::take(20, || {
        std::hint::black_box(thumbs::thumbnail(&jpeg, Format::Jpeg, 256).unwrap());
    });
    println!(
        "thumbnail 256 px (scaled JPEG decode + fast_image_resize + PNG): median {}, p99 {} (20 runs; target ≤ 60 ms)",
        ms(s.median()),
        ms(s.pct(0.99))
    );
    let whole = Sample::take(3, || {
        let img = image::load_from_memory_with_format(&jpeg, image::ImageFormat::Jpeg).unwrap();
        let t = img.thumbnail(256, 256);
        let mut out = Vec::new();
        t.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        std::hint::black_box(out);
    });
    println!(
        "the image crate alone (whole decode + thumbnail + PNG): median {} (3 runs)",
        ms(whole.median())
    );

    let files: Vec<(Vec<u8>, Format)> = (0..100).map(|_| (jpeg.clone(), Format::Jpeg)).collect();
    let cpu0 = cpu_time();
    let t = Instant::now();
    let made = thumbs::batch(&files, 256);
    let wall = t.elapsed();
    let cpu = cpu_time() - cpu0;
    assert!(made.iter().all(Result::is_ok));
    println!(
        "batch of 100 thumbnails: wall {}, CPU {} (CPU/wall {:.2} on {} cores)",
        ms(wall),
        ms(cpu),
        cpu.as_secs_f64() / wall.as_secs_f64(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    let svg_text = infographic();
    let s = Sample::take(20, || {
        std::hint::black_box(svg::sanitise(&svg_text).unwrap());
    });
    let removed = svg::sanitise(&svg_text).unwrap().removed.len();
    println!(
        "sanitise a {:.1} MB SVG infographic ({removed} things removed): median {}, p99 {} (20 runs; target ≤ 50 ms)",
        svg_text.len() as f64 / 1e6,
        ms(s.median()),
        ms(s.pct(0.99))
    );
}
