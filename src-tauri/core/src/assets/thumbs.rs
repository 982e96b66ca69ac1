//! Thumbnails, made in Rust: a JPEG is decoded at a reduced scale by its own
//! DCT (1/2, 1/4 or 1/8, the smallest that still covers the thumbnail) then
//! resized with fast_image_resize; other rasters are decoded whole under
//! allocation limits; an SVG (already sanitised) is drawn by resvg. Out comes
//! a PNG that fits in `size` × `size`, a JPEG's turned upright by its EXIF
//! orientation (cameras store a portrait photo sideways and say so there).
//! A batch runs on every core (rayon).

use std::io::Cursor;

use image::metadata::Orientation;
use image::ImageEncoder;

use fast_image_resize::images::Image;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use rayon::prelude::*;

use super::probe::{check_size, Format};

/// The size made when a file is added, and the default of `asset thumbnail`.
pub const DEFAULT_SIZE: u32 = 256;
/// The largest thumbnail asked for (a detail view on a large screen).
pub const MAX_SIZE: u32 = 2048;

/// Decoded pixels, 8 bits, RGB or RGBA (straight alpha).
struct Pixels {
    width: u32,
    height: u32,
    alpha: bool,
    data: Vec<u8>,
}

/// A PNG thumbnail of `bytes` (a file of `format`; an SVG already sanitised)
/// fitting in `size` × `size`. The error is the reason, without the file name.
pub fn thumbnail(bytes: &[u8], format: Format, size: u32) -> Result<Vec<u8>, String> {
    let size = size.clamp(16, MAX_SIZE);
    let mut orientation = None;
    let pixels = match format {
        Format::Jpeg => {
            let (pixels, found) = decode_jpeg(bytes, size)?;
            orientation = found;
            pixels
        }
        Format::Png | Format::Gif | Format::Webp => decode_raster(bytes, format)?,
        Format::Svg => draw_svg(bytes, size)?,
        Format::Pdf => return Err("Valise makes no thumbnail of a PDF yet".into()),
    };
    let fitted = fit(pixels, size)?;
    // Turned after the resize: the same work on a few thousand pixels, not millions.
    let upright = match orientation {
        Some(o) if o != Orientation::NoTransforms => turn(fitted, o)?,
        _ => fitted,
    };
    encode_png(&upright)
}

/// Thumbnails of many files at once, in parallel on every core; each result
/// in the order of `files`.
pub fn batch(files: &[(Vec<u8>, Format)], size: u32) -> Vec<Result<Vec<u8>, String>> {
    files
        .par_iter()
        .map(|(bytes, format)| thumbnail(bytes, *format, size))
        .collect()
}

/// The decoded pixels and the EXIF orientation, when the file has one.
fn decode_jpeg(bytes: &[u8], size: u32) -> Result<(Pixels, Option<Orientation>), String> {
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    decoder.read_info().map_err(damaged)?;
    let info = decoder.info().ok_or("the JPEG has no image header")?;
    check_size(u32::from(info.width), u32::from(info.height))?;
    let req = size.min(u32::from(u16::MAX)) as u16;
    decoder.scale(req, req).map_err(damaged)?;
    let data = decoder.decode().map_err(damaged)?;
    let info = decoder.info().ok_or("the JPEG has no image header")?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    let data = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => data,
        jpeg_decoder::PixelFormat::L8 => data.iter().flat_map(|&l| [l, l, l]).collect(),
        jpeg_decoder::PixelFormat::L16 => data
            .chunks_exact(2)
            .flat_map(|c| [c[0], c[0], c[0]])
            .collect(),
        jpeg_decoder::PixelFormat::CMYK32 => data
            .chunks_exact(4)
            .flat_map(|c| {
                // Adobe's CMYK JPEGs store the inverted values.
                let k = u16::from(c[3]);
                [c[0], c[1], c[2]].map(|v| (u16::from(v) * k / 255) as u8)
            })
            .collect(),
    };
    if data.len() != (width * height * 3) as usize {
        return Err("the JPEG decoded to fewer pixels than its header says".into());
    }
    let orientation = decoder.exif_data().and_then(Orientation::from_exif_chunk);
    Ok((
        Pixels {
            width,
            height,
            alpha: false,
            data,
        },
        orientation,
    ))
}

/// The pixels as they are meant to be seen, by an EXIF orientation.
fn turn(p: Pixels, orientation: Orientation) -> Result<Pixels, String> {
    let short = || "the thumbnail's pixels do not fill it".to_string();
    let mut img = if p.alpha {
        image::DynamicImage::ImageRgba8(
            image::RgbaImage::from_raw(p.width, p.height, p.data).ok_or_else(short)?,
        )
    } else {
        image::DynamicImage::ImageRgb8(
            image::RgbImage::from_raw(p.width, p.height, p.data).ok_or_else(short)?,
        )
    };
    img.apply_orientation(orientation);
    Ok(Pixels {
        width: img.width(),
        height: img.height(),
        alpha: p.alpha,
        data: img.into_bytes(),
    })
}

fn decode_raster(bytes: &[u8], format: Format) -> Result<Pixels, String> {
    let fmt = match format {
        Format::Png => image::ImageFormat::Png,
        Format::Gif => image::ImageFormat::Gif,
        _ => image::ImageFormat::WebP,
    };
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), fmt);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(super::probe::MAX_SIDE);
    limits.max_image_height = Some(super::probe::MAX_SIDE);
    limits.max_alloc = Some(super::probe::MAX_PIXELS * 4);
    reader.limits(limits);
    let (w, h) = reader.into_dimensions().map_err(damaged)?;
    check_size(w, h)?;
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), fmt);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(super::probe::MAX_PIXELS * 4);
    reader.limits(limits);
    let img = reader.decode().map_err(damaged)?;
    let rgba = img.to_rgba8();
    Ok(Pixels {
        width: rgba.width(),
        height: rgba.height(),
        alpha: true,
        data: rgba.into_raw(),
    })
}

fn draw_svg(bytes: &[u8], size: u32) -> Result<Pixels, String> {
    let tree = resvg::usvg::Tree::from_data(bytes, &resvg::usvg::Options::default())
        .map_err(|e| format!("the SVG cannot be drawn ({e})"))?;
    let (w, h) = (tree.size().width(), tree.size().height());
    let scale = size as f32 / w.max(h);
    let pw = ((w * scale).round() as u32).max(1);
    let ph = ((h * scale).round() as u32).max(1);
    let mut pixmap =
        resvg::tiny_skia::Pixmap::new(pw, ph).ok_or("the SVG has no size to draw at")?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    // tiny-skia keeps premultiplied alpha; PNG wants it straight.
    let mut data = pixmap.take();
    for px in data.chunks_exact_mut(4) {
        let a = u16::from(px[3]);
        if a != 0 && a != 255 {
            for c in &mut px[..3] {
                *c = ((u16::from(*c) * 255 + a / 2) / a).min(255) as u8;
            }
        }
    }
    Ok(Pixels {
        width: pw,
        height: ph,
        alpha: true,
        data,
    })
}

/// Resizes to fit in `size` × `size`, keeping the proportions; never enlarges.
fn fit(p: Pixels, size: u32) -> Result<Pixels, String> {
    if p.width <= size && p.height <= size {
        return Ok(p);
    }
    let scale = f64::from(size) / f64::from(p.width.max(p.height));
    let w = ((f64::from(p.width) * scale).round() as u32).max(1);
    let h = ((f64::from(p.height) * scale).round() as u32).max(1);
    let pixel = if p.alpha {
        PixelType::U8x4
    } else {
        PixelType::U8x3
    };
    let src = Image::from_vec_u8(p.width, p.height, p.data, pixel).map_err(|e| e.to_string())?;
    let mut dst = Image::new(w, h, pixel);
    // The source is rarely more than twice the thumbnail after a scaled JPEG
    // decode; a convolution then looks sharp and costs little.
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::CatmullRom));
    Resizer::new()
        .resize(&src, &mut dst, &options)
        .map_err(|e| e.to_string())?;
    Ok(Pixels {
        width: w,
        height: h,
        alpha: p.alpha,
        data: dst.into_vec(),
    })
}

fn encode_png(p: &Pixels) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let color = if p.alpha {
        image::ExtendedColorType::Rgba8
    } else {
        image::ExtendedColorType::Rgb8
    };
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(&p.data, p.width, p.height, color)
        .map_err(|e| format!("the thumbnail could not be written ({e})"))?;
    Ok(out)
}

fn damaged(e: impl std::fmt::Display) -> String {
    format!("the image is damaged or cut short ({e})")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
            .encode_image(&img)
            .unwrap();
        out
    }

    fn dims(png: &[u8]) -> (u32, u32) {
        image::load_from_memory(png)
            .unwrap()
            .to_rgba8()
            .dimensions()
    }

    #[test]
    fn a_jpeg_thumbnail_fits_the_size_and_keeps_proportions() {
        let t = thumbnail(&jpeg(1600, 900), Format::Jpeg, 256).unwrap();
        assert_eq!(dims(&t), (256, 144));
        // A small image is not enlarged.
        assert_eq!(
            dims(&thumbnail(&jpeg(100, 50), Format::Jpeg, 256).unwrap()),
            (100, 50)
        );
    }

    /// `jpeg` with an EXIF APP1 segment saying `orientation`, as a camera writes it.
    fn with_orientation(jpeg: &[u8], orientation: u16) -> Vec<u8> {
        let mut tiff = b"II*\0".to_vec();
        tiff.extend(8u32.to_le_bytes()); // the first IFD follows the header
        tiff.extend(1u16.to_le_bytes()); // one entry
        tiff.extend(0x0112u16.to_le_bytes()); // Orientation
        tiff.extend(3u16.to_le_bytes()); // SHORT
        tiff.extend(1u32.to_le_bytes());
        tiff.extend(orientation.to_le_bytes());
        tiff.extend([0, 0]);
        tiff.extend(0u32.to_le_bytes()); // no next IFD
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend(tiff);
        let mut out = jpeg[..2].to_vec(); // SOI
        out.extend([0xFF, 0xE1]);
        out.extend(((app1.len() + 2) as u16).to_be_bytes());
        out.extend(app1);
        out.extend(&jpeg[2..]);
        out
    }

    #[test]
    fn a_jpeg_stored_sideways_gives_an_upright_thumbnail() {
        // A landscape sensor image whose left edge is red: orientation 6
        // means "turn 90° clockwise to view", so the red edge goes on top.
        let img = image::RgbImage::from_fn(400, 300, |x, _| {
            if x < 40 {
                image::Rgb([220, 0, 0])
            } else {
                image::Rgb([0, 0, 220])
            }
        });
        let mut plain = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 90)
            .encode_image(&img)
            .unwrap();
        let sideways = with_orientation(&plain, 6);
        let t = image::load_from_memory(&thumbnail(&sideways, Format::Jpeg, 100).unwrap())
            .unwrap()
            .to_rgb8();
        assert_eq!(t.dimensions(), (75, 100), "portrait");
        let top = t.get_pixel(37, 2).0;
        let bottom = t.get_pixel(37, 97).0;
        assert!(top[0] > 150 && top[2] < 80, "red on top: {top:?}");
        assert!(bottom[2] > 150 && bottom[0] < 80, "blue below: {bottom:?}");
        // Orientation 1 (or none) leaves it as stored.
        let t = thumbnail(&with_orientation(&plain, 1), Format::Jpeg, 100).unwrap();
        assert_eq!(dims(&t), (100, 75));
        assert_eq!(
            dims(&thumbnail(&plain, Format::Jpeg, 100).unwrap()),
            (100, 75)
        );
    }

    #[test]
    fn an_svg_thumbnail_is_drawn() {
        let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="200" height="100" fill="#c00"/></svg>"##;
        let t = thumbnail(svg, Format::Svg, 64).unwrap();
        let img = image::load_from_memory(&t).unwrap().to_rgba8();
        assert_eq!(img.dimensions(), (64, 32));
        assert_eq!(img.get_pixel(10, 10).0, [0xcc, 0, 0, 255]);
    }

    #[test]
    fn a_cut_short_jpeg_or_png_is_an_error_not_a_grey_thumbnail() {
        let whole = jpeg(640, 480);
        let e = thumbnail(&whole[..whole.len() / 2], Format::Jpeg, 128).unwrap_err();
        assert!(e.contains("damaged or cut short"), "{e}");
        let mut png = Vec::new();
        image::RgbImage::from_fn(300, 300, |x, y| image::Rgb([(x * y % 251) as u8, 3, 4]))
            .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let e = thumbnail(&png[..png.len() * 2 / 3], Format::Png, 128).unwrap_err();
        assert!(e.contains("damaged or cut short"), "{e}");
    }

    #[test]
    fn a_batch_answers_each_file_in_order() {
        let files = vec![
            (jpeg(300, 200), Format::Jpeg),
            (b"junk".to_vec(), Format::Png),
            (jpeg(200, 300), Format::Jpeg),
        ];
        let out = batch(&files, 100);
        assert_eq!(dims(out[0].as_ref().unwrap()), (100, 67));
        assert!(out[1].is_err());
        assert_eq!(dims(out[2].as_ref().unwrap()), (67, 100));
    }
}
