"""The Gradio page: four tabs wired to :class:`dyplab.app.service.AppState`'s handlers. No logic lives here."""

from __future__ import annotations

from typing import Any

from .service import AppState

TEXT: dict[str, dict[str, str]] = {
    "no": {
        "title": "# dyplab: prøv de trente modellene",
        "intro": "Modellene er trent i notatbøkene (eller av appen ved første oppstart når det går raskt). "
                 "Alt kjører på denne maskinen; ingenting sendes ut.",
        "digits": "Siffer", "draw": "Tegn et siffer (0–9)", "predict": "Klassifiser", "clear": "Tøm",
        "seen": "28×28-bildet modellene ser", "cam": "Grad-CAM (CNN) over tegningen",
        "mlp": "MLP (A5): sannsynligheter", "cnn": "CNN (A6): sannsynligheter",
        "image": "Bilde", "upload": "Last opp et bilde (maks 10 MB)", "model": "Modell", "converted": "Bildet (konvertert)",
        "cam_image": "Grad-CAM i bildets oppløsning", "classes": "Klasser",
        "ecg": "EKG", "record": "MIT-BIH-opptak", "time": "Tid (sekunder)", "show": "Vis slaget",
        "ecg_probs": "Modellens sannsynligheter", "ecg_plot": "Slaget og RR-intervallene",
        "heart": "Hjerte", "heart_intro": "De 13 variablene fra Cleveland-dataene (B3). Gyldige områder står i feltnavnet.",
        "heart_probs": "Sannsynlighet", "heart_plot": "Bidrag per variabel for denne pasienten", "heart_go": "Beregn",
        "nodata": "Ingen modell",
    },
    "en": {
        "title": "# dyplab: try the trained models",
        "intro": "The models were trained in the notebooks (or by the app on first start when that is quick). "
                 "Everything runs on this machine; nothing is sent out. Results are explained in Norwegian.",
        "digits": "Digits", "draw": "Draw a digit (0–9)", "predict": "Classify", "clear": "Clear",
        "seen": "The 28×28 image the models see", "cam": "Grad-CAM (CNN) over the drawing",
        "mlp": "MLP (A5): probabilities", "cnn": "CNN (A6): probabilities",
        "image": "Image", "upload": "Upload an image (max 10 MB)", "model": "Model", "converted": "The image (converted)",
        "cam_image": "Grad-CAM at the image's resolution", "classes": "Classes",
        "ecg": "ECG", "record": "MIT-BIH record", "time": "Time (seconds)", "show": "Show the beat",
        "ecg_probs": "The model's probabilities", "ecg_plot": "The beat and its RR intervals",
        "heart": "Heart", "heart_intro": "The 13 variables of the Cleveland data (B3). Valid ranges are in the field names.",
        "heart_probs": "Probability", "heart_plot": "Contribution of each variable for this patient", "heart_go": "Compute",
        "nodata": "No model",
    },
}


def build(state: AppState, lang: str = "no") -> Any:
    """The ``gr.Blocks`` page for ``state`` in ``lang`` (``no`` or ``en``)."""
    if lang not in TEXT:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(TEXT)}")
    import gradio as gr

    from ..data import heart as heart_data
    from . import heart as heart_tab

    t = TEXT[lang]
    with gr.Blocks(title="dyplab") as page:
        gr.Markdown(t["title"])
        gr.Markdown(t["intro"])
        with gr.Tab(t["digits"], elem_id="tab-digits"):
            with gr.Row():
                pad = gr.Sketchpad(label=t["draw"], type="numpy", image_mode="RGBA", canvas_size=(280, 280),
                                   elem_id="digit-pad", brush=gr.Brush(default_size=18, colors=["#000000"],
                                                                       color_mode="fixed"))
                seen = gr.Image(label=t["seen"], elem_id="digit-seen", height=280, interactive=False)
                cam = gr.Image(label=t["cam"], elem_id="digit-cam", height=280, interactive=False)
            with gr.Row():
                go = gr.Button(t["predict"], variant="primary", elem_id="digit-go")
            digit_msg = gr.Markdown(elem_id="digit-msg")
            with gr.Row():
                mlp = gr.Label(label=t["mlp"], num_top_classes=3, elem_id="digit-mlp")
                cnn = gr.Label(label=t["cnn"], num_top_classes=3, elem_id="digit-cnn")
            go.click(state.digit, inputs=pad, outputs=[digit_msg, mlp, cnn, seen, cam])

        with gr.Tab(t["image"], elem_id="tab-image"):
            choices = state.image_choices()
            gr.Markdown(state.image_missing_text(), elem_id="image-missing")
            with gr.Row():
                upload = gr.File(label=t["upload"], file_count="single", type="filepath", elem_id="image-upload",
                                 file_types=["image", ".tif", ".tiff", ".webp"])
                which = gr.Dropdown(choices=choices, value=choices[0][1] if choices else None, label=t["model"],
                                    elem_id="image-model")
            image_msg = gr.Markdown(elem_id="image-msg")
            with gr.Row():
                converted = gr.Image(label=t["converted"], interactive=False, elem_id="image-converted")
                image_cam = gr.Image(label=t["cam_image"], interactive=False, elem_id="image-cam")
                image_probs = gr.Label(label=t["classes"], num_top_classes=5, elem_id="image-probs")
            outs = [image_msg, image_probs, converted, image_cam]
            upload.change(state.image, inputs=[upload, which], outputs=outs)
            which.change(state.image, inputs=[upload, which], outputs=outs)

        with gr.Tab(t["ecg"], elem_id="tab-ecg"):
            with gr.Row():
                record = gr.Dropdown(choices=list(ecg_tab_records()), value="233", label=t["record"], elem_id="ecg-record")
                when = gr.Slider(0, 1800, value=60, step=0.5, label=t["time"], elem_id="ecg-time")
                show = gr.Button(t["show"], variant="primary", elem_id="ecg-go")
            ecg_msg = gr.Markdown(elem_id="ecg-msg")
            ecg_plot = gr.Plot(label=t["ecg_plot"], elem_id="ecg-plot", show_label=False)
            ecg_probs = gr.Label(label=t["ecg_probs"], elem_id="ecg-probs")
            show.click(state.ecg, inputs=[record, when], outputs=[ecg_msg, ecg_probs, ecg_plot])

        with gr.Tab(t["heart"], elem_id="tab-heart"):
            gr.Markdown(t["heart_intro"])
            fields = []
            with gr.Row():
                for name in heart_data.FEATURES:
                    if name in heart_tab.RANGES:
                        comp = gr.Number(value=heart_tab.DEFAULTS[name], label=heart_tab.label(name), elem_id=f"heart-{name}")
                    else:
                        comp = gr.Dropdown(choices=heart_tab.choices(name), value=int(heart_tab.DEFAULTS[name]),
                                           label=heart_tab.label(name), elem_id=f"heart-{name}")
                    fields.append(comp)
            heart_go = gr.Button(t["heart_go"], variant="primary", elem_id="heart-go")
            heart_msg = gr.Markdown(elem_id="heart-msg")
            heart_plot = gr.Plot(label=t["heart_plot"], elem_id="heart-plot", show_label=False)
            heart_probs = gr.Label(label=t["heart_probs"], elem_id="heart-probs")
            heart_go.click(state.heart, inputs=fields, outputs=[heart_msg, heart_probs, heart_plot])
    return page


def ecg_tab_records() -> list[str]:
    """The MIT-BIH records the ECG tab offers (DS2 first: patients the model has not trained on)."""
    from ..data import mitbih

    rest = [r for r in (*mitbih.DS1, *mitbih.PACED_RECORDS) if r not in mitbih.DS2]
    return [*mitbih.DS2, *sorted(rest)]
