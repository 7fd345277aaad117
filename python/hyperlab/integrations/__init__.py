"""Integrations with training frameworks, each an optional import of its own (importing
`hyperlab` never imports them, nor the frameworks):

    hyperlab.integrations.lightning           HyperlabLogger for lightning.pytorch (or pytorch_lightning)
    hyperlab.integrations.pytorch_lightning   HyperlabLogger for the pytorch_lightning package name
    hyperlab.integrations.transformers        HyperlabCallback, a Hugging Face TrainerCallback
"""
